/* The live demo: send the text to the server, show its answer. Every text
   from the answer is written with textContent (never as markup), except the
   figure, which the server renders with everything escaped. */
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("s2s-settings").textContent);
  var form = document.getElementById("s2s-form");
  var input = document.getElementById("s2s-input");
  var format = document.getElementById("s2s-format");
  var button = document.getElementById("s2s-submit");
  var status = document.getElementById("s2s-status");
  var errorBox = document.getElementById("s2s-error");
  var answerBox = document.getElementById("s2s-answer");
  var figureBox = document.querySelector("#s2s-figure .s2s-viz");
  var latest = 0; // only the answer to the newest request is shown

  function item(list, text, note) {
    var li = document.createElement("li");
    li.textContent = text;
    if (note) {
      var span = document.createElement("span");
      span.className = "s2s-score";
      span.textContent = note;
      li.appendChild(span);
    }
    list.appendChild(li);
  }

  function showError(message) {
    answerBox.hidden = true; // an old answer under a new error would mislead
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function showAnswer(answer) {
    var output = document.getElementById("s2s-output");
    output.textContent = answer.output; // a translated document is shown as its source text
    output.classList.toggle("s2s-markup", Boolean(answer.markup));
    var nbest = document.getElementById("s2s-nbest");
    nbest.textContent = "";
    answer.nbest.forEach(function (entry) { item(nbest, entry.text, entry.score.toFixed(3)); });
    var links = document.getElementById("s2s-alignment");
    links.textContent = "";
    answer.alignment.forEach(function (link) {
      item(links, link.source_word + " \u2192 " + link.target_word, link.source + "-" + link.target);
    });
    if (!answer.alignment.length) item(links, "(no links)");
    var terms = document.getElementById("s2s-terms");
    terms.textContent = "";
    (answer.terms || []).forEach(function (term) {
      var outcome = term.skipped ? "skipped: " + term.skipped : (term.met ? "met" : "missed");
      item(terms, (term.negative ? "not " : "") + term.target, outcome);
    });
    document.getElementById("s2s-terms-box").hidden = !(answer.terms || []).length;
    var warnings = document.getElementById("s2s-warnings");
    warnings.textContent = answer.warnings.join("\n");
    warnings.hidden = !answer.warnings.length;
    figureBox.querySelectorAll(".s2s-doc").forEach(function (old) { old.remove(); });
    var holder = document.createElement("div");
    holder.innerHTML = answer.html; // server-rendered, escaped markup
    while (holder.firstChild) figureBox.insertBefore(holder.firstChild, figureBox.querySelector("script"));
    window.spacySeq2seqViz.setUp(figureBox);
    answerBox.hidden = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var request = ++latest;
    errorBox.hidden = true;
    button.disabled = true;
    status.textContent = "Decoding\u2026";
    fetch(settings.api, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        text: input.value,
        format: format.value,
        glossary: document.getElementById("s2s-glossary").value
      })
    }).then(function (response) {
      return response.json().catch(function () {
        throw new Error("The server sent an answer this page cannot read (HTTP " + response.status + ").");
      });
    }).then(function (answer) {
      if (request !== latest) return;
      if (answer.error) { showError(answer.error); return; }
      showAnswer(answer);
    }).catch(function (error) {
      if (request !== latest) return;
      showError("No answer from the server: " + error.message + " Is it still running?");
    }).then(function () {
      if (request !== latest) return;
      button.disabled = false;
      status.textContent = "";
    });
  });

  // Enter decodes plain text; Shift+Enter (and Enter in a document with
  // markup, which has lines of its own) starts a new line.
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && format.value === "text") {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : button.click();
    }
  });
})();
