"""Coded error and warning messages, spaCy style: ``[E001] ...``.

Every message names what went wrong, in which component, and what to do about
it. Codes are stable and grep-able; add new ones at the end.
"""


from typing import Any, Sequence


class _ErrorsWithCodes(type):
    def __getattribute__(self, code: str) -> str:
        msg = super().__getattribute__(code)
        if code.startswith("__"):
            return msg
        return f"[{code}] {msg}"


class Errors(metaclass=_ErrorsWithCodes):
    E001 = (
        "Component '{name}' got no training examples in initialize(). Pass a "
        "callable that returns Example objects, e.g. "
        "`nlp.initialize(lambda: examples)`, and check your corpus paths "
        "(`python -m spacy debug data config.cfg`)."
    )
    E002 = (
        "Component '{name}': example {index} has no target text in "
        "`example.reference._.{field}` (got {value!r}). Set the gold output on the "
        "reference Doc, e.g. `eg.reference._.{field} = \"...\"`, or read your data "
        "with the `spacy-seq2seq.ParallelCorpus.v1` reader, which does this for you."
    )
    E003 = (
        "Invalid value for '{setting}': {value!r}. Valid options: {options}."
    )
    E004 = (
        "Component '{name}': the training loss is NaN. Lower the learning rate, "
        "enable gradient clipping (`[training.optimizer] grad_clip = 1.0`) or "
        "check the data for empty or extremely long pairs."
    )
    E005 = (
        "Component '{name}' has not been initialized: its vocabularies and "
        "network do not exist yet. Call `nlp.initialize(get_examples)` before "
        "training or predicting, or load a trained pipeline with `spacy.load`."
    )
    E006 = (
        "Invalid `field` {field!r} for component '{name}': it names the Doc "
        "extensions (`doc._.{{field}}`, `doc._.{{field}}_tokens`, ...), so it must "
        "be a Python identifier such as \"translation\", \"summary\" or \"response\"."
    )
    E007 = (
        "Component '{name}': cannot create a target tokenizer for "
        "tgt_lang={lang!r} ({error}). Use a language code that "
        "`spacy.blank()` knows, e.g. \"en\", \"de\", \"fr\" or \"xx\"."
    )
    E008 = (
        "Refusing to load the weights of component '{name}': {error}. The file "
        "is not a safetensors file written by spacy-seq2seq. Weights are never "
        "unpickled; re-save the pipeline with `nlp.to_disk()`."
    )
    E009 = (
        "hidden_width must be even for a bidirectional encoder (each direction "
        "gets hidden_width / 2 units so the decoder width matches); got "
        "{hidden_width}. Use e.g. {suggestion}."
    )
    E010 = (
        "Component '{name}': the saved weights do not match the network built "
        "from the config ({error}). Load the pipeline with the config it was "
        "saved with."
    )
    E011 = (
        "Component '{name}' expected a callable returning Example objects in "
        "initialize(), got {type}. Use `nlp.initialize(lambda: examples)`."
    )
    E012 = (
        "Component '{name}': none of the {n_examples} training examples has a "
        "non-empty source Doc, so no source vocabulary can be learned. Check "
        "that your corpus reader fills the source side."
    )
    E013 = (
        "{setting} must be {constraint}; got {value!r}."
    )
    E014 = (
        "Component '{name}': align() got {n_docs} source Docs but {n_targets} "
        "targets. Give one target (a string, a list of words or a Doc) per Doc, "
        "in the same order."
    )
    E015 = (
        "Doc {text!r}... has no `doc._.{field}_tokens`: no seq2seq_attn component "
        "with field={field!r} has processed it. Run the Doc through the pipeline "
        "first (`nlp(text)`), or pass the field your component uses "
        "(e.g. `field=\"summary\"`)."
    )
    E016 = (
        "A manual attention view needs \"source\" and \"target\" (lists of words) "
        "and \"attention\" (one row per target word) or \"alignment\" "
        "((source_i, target_j) pairs); got the keys {keys}."
    )
    E017 = (
        "The attention has {rows} rows of {columns} columns, but there are "
        "{n_target} target words and {n_source} source tokens. It must have one "
        "row per target word and one column per source token."
    )
    E018 = (
        "Alignment link {link} is out of range for {n_source} source tokens and "
        "{n_target} target words. Links are 0-based (source_i, target_j) pairs."
    )
    E019 = (
        "render() takes Docs (or dicts with manual=True), got a {type}. Process "
        "texts with the pipeline first: `render(nlp(text))` or "
        "`render(list(nlp.pipe(texts)))`."
    )
    E020 = (
        "Component '{name}': the model has copy_attention = true, which copies "
        "source pieces into the output, so both sides need one vocabulary. Set "
        "joint_vocab = true (with src_vocab_size equal to tgt_vocab_size)."
    )
    E021 = (
        "Component '{name}': alignment_method = {method!r} reads the alignment "
        "head, but this model has none. Train one with alignment_head = true in "
        "[components.{name}.model] (and guided_alignment_weight > 0 with gold "
        "links, which is what trains the head), or choose a method that reads "
        "the attention: argmax, shift, threshold or shift_threshold."
    )
    # E040-E049: the command line's library functions (evaluation, lookup).
    E040 = (
        "The pipeline has no seq2seq_attn component (its components: "
        "{components}). Load a pipeline trained with this package, e.g. the "
        "`model-best` folder that `spacy train` wrote for a seq2seq config."
    )
    E041 = (
        "Component '{name}' is not a seq2seq_attn component of this pipeline. "
        "Name one of: {names} (or leave the name out for the first)."
    )

    # The parallel corpus reader (spacy-seq2seq.ParallelCorpus.v1): E022-E034.
    E022 = (
        "ParallelCorpus: `path` is not set. Point it at your corpus file, e.g. "
        "`--paths.train corpus/train.tsv` on the command line or "
        "`path = ${{paths.train}}` in the [corpora] section of the config."
    )
    E023 = (
        "ParallelCorpus: format = \"lines\" reads line-aligned source and target "
        "files, but `tgt_path` is not set. Set tgt_path to the target file "
        "(e.g. train.en next to train.de)."
    )
    E024 = (
        "ParallelCorpus: `tgt_path` is only used with format = \"lines\", but "
        "format = {format!r} reads both sides from `path`. Remove tgt_path or "
        "set format = \"lines\"."
    )
    E025 = (
        "ParallelCorpus: `alignment_path` indexes whitespace tokens, so the "
        "source Docs must be made from them too: set pretokenized = true."
    )
    E026 = (
        "ParallelCorpus: corpus file not found: '{path}'. Check the path in the "
        "[corpora] section or the --paths.* overrides."
    )
    E027 = (
        "ParallelCorpus: cannot infer the format of '{path}': it is not "
        ".tsv/.jsonl/.json, no tgt_path is set, and its first line has no tab. "
        "Set format explicitly to one of {formats}, or set tgt_path for "
        "line-aligned source and target files."
    )
    E028 = (
        "ParallelCorpus: malformed {unit} {number} in '{path}': {problem}. Fix or "
        "remove it, or set on_malformed = \"skip\" to skip and count such lines "
        "instead."
    )
    E029 = (
        "ParallelCorpus: empty {unit} {number} in '{path}': {problem}. Remove the "
        "pair or fill in the missing side, or set on_malformed = \"skip\" to "
        "skip and count empty pairs instead."
    )
    E030 = (
        "ParallelCorpus: '{path}' is not a valid UTF-8 JSON file ({error}). "
        "format = \"json\" expects one JSON list of objects; for one object per "
        "line use format = \"jsonl\"."
    )
    E031 = (
        "ParallelCorpus: '{path}' holds a JSON {type}, but format = \"json\" "
        "expects a list of objects like [{example}]."
    )
    E032 = (
        "ParallelCorpus: line {number} of the alignment file '{path}' is "
        "{problem}. Alignment files hold ASCII `i-j` links, one line per record: "
        "check that `alignment_path` points at the pharaoh file and not at a "
        "side of the corpus."
    )
    # The settings object: E050-E059.
    E050 = (
        "Component '{name}': `cfg` is a read-only view of its settings, so "
        "writing {key!r} into it would change nothing. Replace the settings "
        "object instead, which checks the new value: "
        "`pipe.settings = dataclasses.replace(pipe.settings, {key}=...)`."
    )

    # The GPU path: E060-E069.
    E060 = (
        "Component '{name}': quantize = \"int8\" decodes with an int8 copy of "
        "the network on the CPU, but this network is on {device}. Set quantize "
        "= \"none\" to decode on the GPU (e.g. `nlp = spacy.load(path, "
        "config={{\"components\": {{\"{name}\": {{\"quantize\": \"none\"}}}}}})`), "
        "or load the pipeline without `spacy.require_gpu()` to decode int8 on the CPU."
    )
    E061 = (
        "Component '{name}' runs on {device} in a process forked after CUDA "
        "was initialised (e.g. by `nlp.pipe(texts, n_process=2)`), and CUDA "
        "cannot be used in such a process. With a GPU, decode in one process "
        "per GPU (n_process=1, the default: the GPU does the batching); for "
        "several GPUs, start one fresh process per GPU (not forked: e.g. "
        "multiprocessing's \"spawn\" start method), each loading the pipeline itself."
    )
    # The GPU path, second part: E140-E149.
    E140 = (
        "The network's parameters are on {device}: seq2seq_attn trains on the "
        "CPU or a CUDA GPU (the optimizer updates them as NumPy or CuPy arrays). "
        "Move the network there, e.g. train with `--gpu-id 0` for CUDA or "
        "`--gpu-id -1` for the CPU."
    )
    E141 = (
        "rouge-score {version} is installed, but ROUGE here needs rouge-score "
        ">= 0.1.2 (its RougeScorer takes the `tokenizer` argument that makes "
        "ROUGE work for every script, see pipeline/rouge.py). Install it with "
        "`pip install \"rouge-score>=0.1.2\"`; it is published as a source "
        "package only, so an install from wheels alone (`--only-binary`) finds "
        "0.0.4: build its wheel with `pip wheel --no-deps \"rouge-score==0.1.2\"`."
    )

    # Long documents, attention stored per part (task longdocs): E080-E084.
    E080 = (
        "A word attention value could not be read: {problem}. "
        "`doc._.<field>_attention` takes None, a list of equally long rows of "
        "floats, or the stored block form written by the component (see "
        "docs/alignment.md, \"How attention is stored\"). A Doc whose stored "
        "value is damaged can be re-annotated by running the pipeline on it again."
    )
    E081 = (
        "Attention matrices of different widths ({widths} source tokens) "
        "cannot be stacked: the parts of one Doc all have the Doc's width. "
        "Stack only the parts of the same Doc."
    )

    # Progress on long runs and the `serve` demo page: E090-E099.
    E090 = (
        "{env}={value!r} is not understood: set it to 1 to always show the "
        "progress bar, to 0 to never show it, or unset it to show the bar "
        "only when stderr is a terminal (--quiet also turns it off)."
    )
    E091 = (
        "The request body is not valid UTF-8 (first bad byte at offset "
        "{position}). Send the text as UTF-8 JSON, e.g. "
        "`{{\"text\": \"Le chat dort.\"}}`."
    )
    E092 = (
        "The request body is not the JSON the demo expects ({problem}). Send "
        "an object with the text to decode, e.g. `{{\"text\": \"Le chat dort.\"}}`."
    )
    E093 = "The text is empty. Type a sentence to decode."
    E094 = (
        "The text has {n_chars} characters; this demo decodes at most "
        "{max_chars} at a time. Shorten it, split it into sentences, or start "
        "the server with a larger --max-chars (for whole files, use "
        "`python -m spacy_seq2seq translate --input FILE`)."
    )
    E095 = (
        "The request body {problem}; this demo reads at most {max_bytes} "
        "bytes. Send `{{\"text\": ...}}` with a Content-Length header and at "
        "most the server's --max-chars characters of text."
    )
    E096 = (
        "Nothing here at {path!r}. The demo serves its page at / and decodes "
        "with POST /api/translate."
    )
    E097 = (
        "{method} is not allowed on {path!r}. Use {allowed} (the page at / is "
        "GET; decoding is POST /api/translate with a JSON body)."
    )
    E098 = (
        "The request's Content-Type is {content_type!r}; send the body as "
        "application/json (a check that keeps other web sites from posting "
        "to the demo behind your back)."
    )
    E099 = (
        "Decoding this text failed ({error}). The server is still running; "
        "its log has the traceback. Try another text, and report the one "
        "that failed if it is ordinary text."
    )

    # Corpus-scale decoding on Ray (spacy_seq2seq.distributed): E070-E079.
    E070 = (
        "Corpus-scale decoding needs Ray Data, which is not installed here "
        "({error}). Install the optional extra: pip install \"spacy-seq2seq[ray]\"."
    )
    E071 = (
        "MODEL {model} {problem}. Give the folder a trained pipeline was saved "
        "to (nlp.to_disk, or `spacy train`'s model-best), holding a config.cfg "
        "with a seq2seq_attn component."
    )
    E072 = (
        "INPUT {path}: {problem}. Give an existing, readable file, or a glob "
        "(quoted, e.g. 'corpus/*.txt') matching at least one file."
    )
    E073 = (
        "{problem}. Formats: lines (one text per line), tsv (--column: a "
        "0-based column number), jsonl (--column: the key holding the text) and "
        "parquet (--column: the column name); --format auto picks one from the "
        "first file's extension (.tsv, .jsonl/.json, .parquet; else lines)."
    )
    E074 = (
        "OUTPUT_DIR {path} holds {what}, so writing this job there could mix "
        "its shards with another job's. Re-run with the arguments that wrote "
        "them to resume that job, choose another (empty) output folder, or "
        "delete {path} to start over."
    )
    E075 = (
        "--align: the target input has {n_targets} records but the source "
        "input has {n_sources}. Give one target per source record, in the "
        "same order (the same record numbers on both sides)."
    )
    E076 = (
        "{setting} must be {constraint}; got {value!r}."
    )
    E077 = (
        "The Ray cluster has {available:g} {resource} but {workers} workers x "
        "{per_worker:g} per worker need {needed:g}, so some workers could never "
        "start. Ask for fewer workers (--workers) or fewer {resource} per "
        "worker, or add nodes to the cluster."
    )
    E078 = (
        "Shard {shard}: {n_read} records were read but {n_written} were "
        "written and {n_skipped} skipped. Nothing may be lost: this is a bug; "
        "please report it with the input format and the summary."
    )

    # finetune (E085-E089): fine-tuning a trained pipeline (docs/finetune.md)
    E085 = (
        "old_share must be a number in [0, 1) (the share of each training pass "
        "drawn from the old corpus), not {value!r}. Use e.g. 0.2 for one old "
        "example in five, or 0 to train on the new corpus only."
    )
    E086 = (
        "old_share = {share} mixes old data into the training corpus, but no "
        "old corpus is set: give its file as old_path (and old_tgt_path for "
        "plain-text pairs), e.g. `--paths.old_train assets/tatoeba-fr-en/train.tsv`, "
        "or set old_share = 0."
    )
    E087 = (
        "Component '{name}' is not initialised: it has no vocabularies to "
        "measure a corpus against. Load a trained pipeline (or source its "
        "component in the config) before measuring vocabulary coverage."
    )
    E088 = (
        "The vocabulary coverage report names component '{name}', which is not "
        "in the pipeline (components: {names}). Set its `component` to the "
        "name of the seq2seq_attn component."
    )

    # Settings declared once (network, search, reader): E100-E139.
    E100 = (
        "copy_attention = true copies source piece ids into the output, so the "
        "source and target vocabularies must be one; got sizes {src} and {tgt}. "
        "On the component, set joint_vocab = true (equal src_vocab_size and "
        "tgt_vocab_size)."
    )
    E101 = (
        "The spacy-seq2seq.RNNAttnSeq2Seq.v1 model needs the dims "
        "'src_vocab_size' and 'tgt_vocab_size' and the attr 'special_ids' "
        "before initialize(). The seq2seq_attn component sets them from its "
        "vocabularies: initialize the pipeline (`nlp.initialize(...)`) rather "
        "than the model alone."
    )
    E102 = (
        "The spacy-seq2seq.RNNAttnSeq2Seq.v1 model has not been initialized "
        "yet, so it has no network. Initialize the pipeline "
        "(`nlp.initialize(...)`) or load a trained one with `spacy.load`."
    )
    E103 = (
        "guided_alignment_weight > 0 needs a model with attention or an "
        "alignment head; this one has attention = \"none\". Set "
        "guided_alignment_weight = 0.0, choose an attention type, or set "
        "alignment_head = true."
    )
    E104 = (
        "coverage_loss_weight > 0 needs a model with attention; this one has "
        "attention = \"none\". Set coverage_loss_weight = 0.0 or choose an "
        "attention type."
    )
    E105 = (
        "A {kind} can only be predicted (`model.predict`), not trained on: "
        "train with a TrainBatch (`model.begin_update`)."
    )
    E106 = (
        "The spacy-seq2seq.RNNAttnSeq2Seq.v1 model takes a TrainBatch, "
        "DecodeBatch or ForcedBatch (spacy_seq2seq.models), got {type}."
    )
    E107 = (
        "No gradient to propagate: {problem}. Only a teacher-forced pass "
        "started with `model.begin_update(train_batch)` has a backprop."
    )
    E108 = (
        "Target word {index} ({word!r}) is empty or contains whitespace: a "
        "list of target words must hold single words, as in a "
        "whitespace-tokenised line. Pass a string to have it tokenised instead."
    )
    E109 = (
        "This Doc extension (e.g. `doc._.translation`) holds a text: set it to "
        "a str or None, not a {type}."
    )
    E110 = (
        "ROUGE got {n_hypotheses} outputs but {n_references} references: give "
        "one reference per output, in the same order."
    )
    E111 = (
        "agreement needs the two directions over the same pair: the forward "
        "weights are {forward} (target x source words), so the reverse ones "
        "must be {expected} (source x target words), not {reverse}. Align the "
        "reverse direction on the swapped pair."
    )
    E112 = (
        "{where}{token!r} is not {what}. Fix the line (an empty line means no links)."
    )
    E113 = (
        "{n_predicted} predicted alignments for {n_gold} gold ones: the files "
        "must have one line per sentence pair, in the same order (an empty "
        "line for no links)."
    )
    E114 = (
        "{src_file} has {n_sources} lines but {tgt_file} has {n_targets}: the "
        "files must be line-aligned (one sentence pair per line)."
    )
    E115 = (
        "No seq2seq_attn component in {model}: give a pipeline trained with "
        "spacy-seq2seq (its config.cfg names factory = \"seq2seq_attn\")."
    )
    E116 = (
        "{path} ended before the records indexed at the start of the job: the "
        "file changed while the job ran. Leave the input unchanged until the "
        "job is done, and run it again (finished shards are kept)."
    )
    E117 = (
        "Shard {shard} is missing or does not match its partition after the "
        "job ran (a worker may have written to the folder of another job). "
        "Run the job again into a new OUTPUT_DIR."
    )
    # markup (E170-E189): documents with markup, translated (docs/markup.md)
    E170 = (
        "The XML input is not well formed: {problem} at line {line}, column "
        "{column}. XML is never guessed at: fix the document there (or, for "
        "an HTML page, translate it with format=\"html\", which repairs "
        "malformed markup as browsers do)."
    )
    E171 = (
        "Unknown markup format {format!r}. Valid formats: {formats} (and "
        "\"text\" on the command line for plain text, one text per line)."
    )
    E172 = (
        "The markup input must be a str, not {type}. Read files as text "
        "(`Path(...).read_text(encoding=\"utf8\")`)."
    )
    E173 = (
        "The pipeline has no seq2seq_attn component to translate markup with "
        "(components: {components}). Load a pipeline trained with this package."
    )
    E174 = (
        "--markup and --align do not go together: forced alignment reads "
        "pre-tokenised plain text on both sides. Align the plain text, or "
        "translate the documents with --markup and without --align."
    )
    E175 = (
        "{path} is not a file: with --format html|xml|markdown, each argument "
        "is a document to translate. Give the path of an existing file (or "
        "--input FILE, or the document on standard input)."
    )


    # Terminology (E190-E209).
    E190 = (
        "Component '{name}': cannot read a term from {value}. Set "
        "`doc._.<field>_terms` to a list of strings (positive terms with no "
        "source span), dicts with the keys \"target\" (str) and optionally "
        "\"start\", \"end\" (source token indices), \"negative\" (bool), "
        "or `spacy_seq2seq.terms.Term` objects."
    )
    E191 = (
        "Cannot read the glossary {path} (line {line}): {problem}. A glossary "
        "is a UTF-8 TSV file with one `source term<TAB>target term` per line; "
        "empty lines and lines starting with # are skipped."
    )
    E192 = (
        "glossary_match = \"lemma\" needs lemmas on the source Doc, and this "
        "Doc has none. Put a lemmatizer before the component (e.g. a trained "
        "pipeline such as fr_core_news_sm), or set glossary_match to "
        "\"lower\" or \"exact\"."
    )
    E193 = (
        "Component '{name}': the term {target!r} has the source span "
        "start={start}, end={end}, which is not a non-empty token range of "
        "this Doc ({n_tokens} tokens). Give both start and end (end exclusive) "
        "inside the Doc, or neither for a term not tied to source tokens."
    )
    E194 = (
        "Component '{name}': initialize() got a glossary but no pipeline to "
        "tokenize its source terms with. Call `nlp.initialize(...)` (which "
        "passes itself), or read the glossary yourself: "
        "`pipe.set_glossary(Glossary.read_tsv(path, nlp.make_doc))`."
    )


    # Alignment teacher and eflomal (issue 29): E150-E169.
    E150 = (
        "Guided alignment training takes its teacher links from eflomal, which "
        "is not installed ({problem}). Install the align extra: "
        "`pip install \"spacy-seq2seq[align]\"` (it builds eflomal from source "
        "and needs a C compiler such as gcc), or give links yourself "
        "(`alignment_path`) and set `alignment_teacher = null` in the reader."
    )
    E151 = (
        "eflomal needs as many target sentences as source sentences; got "
        "{n_src} source and {n_tgt} target sentences. Make both sides line-aligned."
    )
    E152 = (
        "eflomal wrote {n_forward} forward and {n_reverse} reverse link lines "
        "for {n_pairs} sentence pairs; the links cannot be matched to their "
        "pairs. This is a bug in eflomal or in its installation: reinstall it "
        "(`pip install --force-reinstall eflomal==2.0.0`)."
    )
    E153 = (
        "ParallelCorpus: alignment_teacher = {teacher!r} and alignment_path "
        "are both set. Give links from a file (alignment_path) or from a "
        "teacher, not both."
    )
    E154 = (
        "ParallelCorpus: alignment_teacher needs the target language, to split "
        "the targets into the words the model aligns, but the pipeline has no "
        "seq2seq_attn component with field '{field}' (components: {names}). "
        "Add the component before training, or set `pretokenized = true` "
        "(whitespace words on both sides)."
    )
    E155 = (
        "The teacher links cache '{path}' is damaged ({problem}). Delete the "
        "file; the next run computes the links again."
    )

class Warnings:
    W001 = (
        "[W001] Component '{name}' skipped {n_skipped} of {n_total} training "
        "examples in this batch because the source Doc is empty or whitespace "
        "only. They carry no signal; remove them from the corpus to silence this."
    )
    W002 = (
        "[W002] A sentence (tokens {start}-{end}: {text!r}...) is longer than "
        "max_src_length={limit} source pieces, so it was decoded in {n_windows} "
        "windows starting a new one at token(s) {cuts}; the output may be "
        "disjointed there. Raise `max_src_length` or give the Doc sentence "
        "boundaries (e.g. add a 'sentencizer' before this component)."
    )
    W003 = (
        "[W003] Token {i} ({token!r}...) alone has {n_pieces} source pieces, more "
        "than max_src_length={limit} allows; only its first {kept} pieces were "
        "decoded. Raise `max_src_length` if such tokens are real text."
    )
    W004 = (
        "[W004] Component '{name}': {n_cut} of {n_total} outputs in this batch "
        "reached the output length limit (max_output_length={max_length}, "
        "max_output_ratio={ratio} x source pieces) and may be cut off: {where}. "
        "Raise the limits if these outputs should be longer; an untrained or "
        "diverging model also runs into them."
    )
    W005 = (
        "[W005] Component '{name}': {n_cut} of {n_total} source Docs {where} were "
        "longer than max_src_length={limit} pieces and were cut to their {which} "
        "{kept} pieces (long_src = \"{setting}\"){longest}. Raise max_src_length "
        "to read more of them, or set long_src = \"split\" to translate long "
        "Docs in parts."
    )
    W006 = (
        "[W006] Component '{name}': {n_cut} of {n_total} training sources in this "
        "batch are longer than max_src_length={limit} pieces and were cut to "
        "their {which} pieces (long_src = \"{setting}\"), as decoding will read "
        "them. Later cuts are counted in `nlp.get_pipe('{name}')."
        "n_truncated_in_training`, not reported again."
    )

    # Corpus-scale decoding on Ray: W010-W014.
    W010 = (
        "[W010] {workers} workers x {threads} threads each = {total} threads on "
        "{cores} cores: the workers will slow each other down. Lower --workers "
        "or --threads-per-worker so that their product is at most {cores}."
    )

    # finetune (W017-W018)
    W017 = (
        "[W017] The vocabularies of component '{name}' map part of the new "
        "corpus to the unknown piece: the model can neither read nor write "
        "those characters, and fine-tuning keeps the vocabularies. {summary} "
        "If these words matter, train a new pipeline whose vocabularies include "
        "them (spacy train with both corpora) instead of fine-tuning."
    )

    # markup (W045-W054)
    W045 = (
        "[W045] {n} inline element(s) of {what} had no output word to wrap "
        "and were written empty (or, in Markdown, left out) where the words "
        "around them went: {details}. "
        "Their words were left untranslated or merged with a neighbour's by "
        "the model; check the alignment (docs/alignment.md) or move the tag "
        "by hand."
    )
    W046 = (
        "[W046] The markup of {what} was malformed and was repaired as a "
        "browser would, or (Markdown) a block whose inline markup could not be "
        "matched to its source was kept untranslated: {details}. The output "
        "is well formed; fix the source to keep the markup exactly as you meant it."
    )


    # Terminology (W055-W064).
    W055 = (
        "[W055] Component '{name}' skipped {n_skipped} of {n_terms} terms in "
        "this batch: {reasons}. Examples: {examples}. The other terms were "
        "applied; `doc._.{field}_terms_used` marks each skipped term with why."
    )
    W056 = (
        "[W056] Component '{name}': {n_unmet} of {n_terms} positive terms in "
        "this batch are missing from the output ({examples}): the output "
        "length limit (max_output_length = {max_length}, max_output_ratio = "
        "{ratio}) ended the search first. Raise the limits or the beam_size, "
        "or check `doc._.{field}_terms_used` (met = false)."
    )


    # Alignment teacher and guided training (issue 29): W035-W044.
    W035 = (
        "[W035] Component '{name}' trains with guided_alignment_weight = "
        "{weight}, but none of the {n_examples} training examples it was "
        "initialised with carries word links, so the guided loss does "
        "nothing. Set `alignment_teacher = \"eflomal\"` (or `alignment_path`) "
        "in the training corpus reader, or guided_alignment_weight = 0.0."
    )
    W036 = (
        "[W036] The alignment teacher gave no links to {n_unlinked} of "
        "{n_pairs} training pairs ({n_too_long} with a side longer than "
        "{max_words} words, which eflomal cannot align); the guided loss "
        "skips them, translation still trains on them."
    )

def check_choice(setting: str, value: Any, options: Sequence[str]) -> None:
    """Raise the coded E003 error, listing the valid options, for a bad choice.

    Config resolution checks `Literal` types, but builders and classes can be
    called from Python too, where nothing else would.
    """
    if value not in options:
        raise ValueError(
            Errors.E003.format(setting=setting, value=value, options=", ".join(options))
        )
