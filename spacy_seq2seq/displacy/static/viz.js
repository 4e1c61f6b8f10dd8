/* spacy-seq2seq attention view: hover or focus a word to see what it
   attended to. Target word j shades each source token i by weights[j][i];
   a source token i shades each target word by the same column, weights[.][i].
   Safe to include many times: each figure is set up once. A page that adds
   figures later (the live demo of `serve`) calls
   window.spacySeq2seqViz.setUp(element) on what it added. */
(function () {
  "use strict";
  var VISIBLE = 0.01; // weights below this shade nothing and get no label

  function setUp(figure) {
    if (figure.getAttribute("data-s2s-ready")) return;
    figure.setAttribute("data-s2s-ready", "1");
    var data = JSON.parse(figure.querySelector("script.s2s-data").textContent);
    var words = {
      source: figure.querySelectorAll('.s2s-tok[data-side="source"]'),
      target: figure.querySelectorAll('.s2s-tok[data-side="target"]')
    };
    var headers = figure.querySelectorAll(".s2s-matrix th[data-side]");
    var linked = {};
    data.links.forEach(function (link) { linked[link[0] + ":" + link[1]] = true; });

    function weight(side, index, other) {
      // The weight between word `index` on `side` and word `other` on the other side.
      return side === "target" ? data.weights[index][other] : data.weights[other][index];
    }

    function clear() {
      ["source", "target"].forEach(function (side) {
        words[side].forEach(function (el) {
          el.classList.remove("s2s-focus", "s2s-active", "s2s-linked");
          el.style.removeProperty("--s2s-w");
          el.removeAttribute("data-weight");
          el.querySelector(".s2s-w").textContent = "";
        });
      });
      headers.forEach(function (th) { th.classList.remove("s2s-focus"); });
    }

    function show(side, index) {
      clear();
      var other = side === "target" ? "source" : "target";
      words[side][index].classList.add("s2s-focus");
      words[other].forEach(function (el, k) {
        var w = weight(side, index, k);
        el.setAttribute("data-weight", String(w));
        el.style.setProperty("--s2s-w", String(w));
        if (w >= VISIBLE) {
          el.classList.add("s2s-active");
          el.querySelector(".s2s-w").textContent = w.toFixed(2);
        }
        var key = side === "target" ? k + ":" + index : index + ":" + k;
        if (linked[key]) el.classList.add("s2s-linked");
      });
      headers.forEach(function (th) {
        if (th.getAttribute("data-side") === side && Number(th.getAttribute("data-index")) === index) {
          th.classList.add("s2s-focus");
        }
      });
    }

    function bind(el, side, index) {
      el.addEventListener("mouseenter", function () { show(side, index); });
      el.addEventListener("focus", function () { show(side, index); });
      el.addEventListener("mouseleave", clear);
      el.addEventListener("blur", clear);
    }

    ["source", "target"].forEach(function (side) {
      words[side].forEach(function (el, index) { bind(el, side, index); });
    });
    // Matrix headers and cells drive the same view: a cell is its target row.
    headers.forEach(function (th) {
      bind(th, th.getAttribute("data-side"), Number(th.getAttribute("data-index")));
    });
    figure.querySelectorAll(".s2s-cell").forEach(function (td) {
      bind(td, "target", Number(td.getAttribute("data-target")));
    });
  }

  function setUpAll(root) {
    (root || document).querySelectorAll(".s2s-viz .s2s-doc").forEach(setUp);
  }

  window.spacySeq2seqViz = { setUp: setUpAll };
  setUpAll(document);
})();
