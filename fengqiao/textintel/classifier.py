"""Category suggestion (类别建议): a text classifier trained on a deployment's own cases.

The model is TF-IDF over character unigrams and bigrams of the normalised text (no word
segmentation: Chinese characters and their pairs carry the topic, and this keeps prediction fast
and free of dictionaries), plus the same features of the first :data:`PREFIX_CHARS` characters
(where the title is) at half weight, fed to a linear SVM (``LinearSVC``). Settings were chosen by
5-fold stratified cross-validation on the Teddy Cup 2020 messages; see docs/textintel.md.

Confidence is a softmax of the SVM's decision scores with a temperature fitted, at training time,
to out-of-fold scores (3-fold) by minimising log-loss, so a confidence of 0.8 means about 80 %
right on messages like the training ones.

Texts longer than :data:`MAX_TEXT_CHARS` are truncated to their first characters (the title and
the opening of the body carry the category; the rest adds time, not accuracy).

Model files are a small JSON header followed by a pickle of the fitted objects; see
:func:`save` and :func:`load`. Pickle runs code when loaded: load only model files you made.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle  # nosec: loaded only after the header and checksum match; see load()
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from numpy.typing import NDArray
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from fengqiao.textintel.textio import TextIntelError

MAX_TEXT_CHARS = 1200
PREFIX_CHARS = 40
FORMAT_NAME = "fengqiao-textintel-classifier"
FORMAT_VERSION = 1
MAGIC = b"FQTEXTINTEL\n"
SEED = 20260

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    """The model's hyper-parameters (chosen by cross-validation; see docs/textintel.md)."""

    ngram_min: int = 1
    ngram_max: int = 2
    svm_c: float = 3.0
    max_text_chars: int = MAX_TEXT_CHARS
    # The opening characters (the title, when there is one) again, at this weight; 0 turns off.
    prefix_chars: int = PREFIX_CHARS
    prefix_weight: float = 0.5


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float


_NO_KEYS: tuple[NDArray[np.int64], NDArray[np.int64]] = (
    np.zeros(0, dtype=np.int64),
    np.zeros(0, dtype=np.int64),
)


@dataclass
class Features:
    """TF-IDF of the whole text plus, at a lower weight, TF-IDF of its opening characters."""

    settings: Settings
    body: TfidfVectorizer = field(init=False)
    prefix: TfidfVectorizer = field(init=False)
    body_keys: tuple[NDArray[np.int64], NDArray[np.int64]] = field(init=False)
    prefix_keys: tuple[NDArray[np.int64], NDArray[np.int64]] = field(init=False)

    def __post_init__(self) -> None:
        self.body = self._vectorizer()
        self.prefix = self._vectorizer()
        self.body_keys = self.prefix_keys = _NO_KEYS

    def _vectorizer(self) -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer="char",
            ngram_range=(self.settings.ngram_min, self.settings.ngram_max),
            lowercase=False,  # done by normalise()
            dtype=np.float32,
        )

    def _transform(
        self,
        vectorizer: TfidfVectorizer,
        keys: tuple[NDArray[np.int64], NDArray[np.int64]],
        prepared: Sequence[str],
    ) -> Any:
        if self.fast and prepared:
            return fast_transform(vectorizer, keys, prepared)
        return vectorizer.transform(prepared)

    def _heads(self, prepared: Sequence[str]) -> list[str]:
        return [text[: self.settings.prefix_chars] for text in prepared]

    @property
    def fast(self) -> bool:
        return self.settings.ngram_min == 1 and self.settings.ngram_max <= 2

    def fit_transform(self, prepared: Sequence[str]) -> Any:
        body = self.body.fit_transform(prepared)
        self.body_keys = ngram_keys(self.body) if self.fast else _NO_KEYS
        if not self.settings.prefix_weight:
            return body
        heads = self.prefix.fit_transform(self._heads(prepared))
        self.prefix_keys = ngram_keys(self.prefix) if self.fast else _NO_KEYS
        return hstack([body, heads * self.settings.prefix_weight], format="csr")

    def transform(self, prepared: Sequence[str]) -> Any:
        body = self._transform(self.body, self.body_keys, prepared)
        if not self.settings.prefix_weight:
            return body
        heads = self._transform(self.prefix, self.prefix_keys, self._heads(prepared))
        return hstack([body, heads * self.settings.prefix_weight], format="csr")


# Code points are below 0x110000, so a bigram (a, b) gets the key (a + 1) * BASE + b, above
# every unigram key a: one sorted int64 array then looks up both kinds at once.
BASE = 0x110000


def ngram_keys(vectorizer: TfidfVectorizer) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The vocabulary as (sorted integer keys, their column numbers), for :func:`fast_transform`."""
    grams = list(vectorizer.vocabulary_.items())
    keys = np.fromiter(
        (
            ord(gram) if len(gram) == 1 else (ord(gram[0]) + 1) * BASE + ord(gram[1])
            for gram, _ in grams
        ),
        dtype=np.int64,
        count=len(grams),
    )
    columns = np.fromiter((column for _, column in grams), dtype=np.int64, count=len(grams))
    order = np.argsort(keys)
    return keys[order], columns[order]


def fast_transform(
    vectorizer: TfidfVectorizer,
    keys: tuple[NDArray[np.int64], NDArray[np.int64]],
    prepared: Sequence[str],
) -> Any:
    """``vectorizer.transform`` of normalised texts for character 1–2-grams, vectorised.

    scikit-learn looks every n-gram up in a Python loop (most of prediction time); here all
    texts become one array of code points, n-grams become integer keys and are looked up and
    counted with NumPy. The result is the same matrix (tested against ``transform``): raw
    counts × IDF, rows L2-normalised. Texts must be normalised (single spaces), as
    scikit-learn's char analyser collapses whitespace itself.
    """
    sorted_keys, key_columns = keys
    idf = np.asarray(vectorizer.idf_, dtype=np.float64)
    n_docs, n_features = len(prepared), len(idf)
    lengths = np.fromiter(map(len, prepared), dtype=np.int64, count=n_docs)
    codes = np.frombuffer("".join(prepared).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    docs = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    same_doc = docs[:-1] == docs[1:]
    all_keys = np.concatenate([codes, ((codes[:-1] + 1) * BASE + codes[1:])[same_doc]])
    all_docs = np.concatenate([docs, docs[:-1][same_doc]])
    position = np.minimum(np.searchsorted(sorted_keys, all_keys), len(sorted_keys) - 1)
    known = sorted_keys[position] == all_keys
    cells, counts = np.unique(
        all_docs[known] * n_features + key_columns[position[known]], return_counts=True
    )
    rows, columns = np.divmod(cells, n_features)
    values = counts * idf[columns]
    norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n_docs))
    values = values / np.where(norms > 0, norms, 1.0)[rows]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n_docs))])
    return csr_matrix((values, columns, indptr), shape=(n_docs, n_features), dtype=np.float32)


@dataclass
class TextClassifier:
    """A fitted classifier: vectoriser, linear SVM and the confidence temperature."""

    vectorizer: Features
    svm: LinearSVC
    temperature: float
    settings: Settings
    labels: list[str]
    trained_at: str
    n_train: int
    class_counts: dict[str, int] = field(default_factory=dict)

    def decision_scores(self, texts: Sequence[str]) -> NDArray[np.float64]:
        features = self.vectorizer.transform(prepare(texts, self.settings.max_text_chars))
        scores = np.asarray(self.svm.decision_function(features), dtype=np.float64)
        return _as_matrix(scores)

    def probabilities(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Calibrated class probabilities, columns in the order of :attr:`labels`."""
        return softmax(self.decision_scores(texts) / self.temperature)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        probs = self.probabilities(texts)
        best = probs.argmax(axis=1)
        return [Prediction(self.labels[int(i)], float(probs[row, i])) for row, i in enumerate(best)]


def normalise(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """NFKC (full-width letters and digits to half-width), lower case, whitespace collapsed.

    Truncates first (with room for the collapse) so a 100,000-character text costs no more
    than a short one.
    """
    text = unicodedata.normalize("NFKC", text[: limit * 2]).lower()
    return " ".join(text.split())[:limit]


def prepare(texts: Sequence[str], limit: int = MAX_TEXT_CHARS) -> list[str]:
    return [normalise(text, limit) for text in texts]


def softmax(scores: NDArray[np.float64]) -> NDArray[np.float64]:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    result: NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
    return result


def _as_matrix(scores: NDArray[np.float64]) -> NDArray[np.float64]:
    # With two classes LinearSVC returns one score (positive means the second class).
    if scores.ndim == 1:
        return np.column_stack([-scores, scores])
    return scores


def check_labels(labels: Sequence[str]) -> Counter[str]:
    """Refuse training data that cannot make a classifier; return the class counts."""
    counts = Counter(labels)
    if len(counts) < 2:
        only = next(iter(counts), "")
        raise TextIntelError(
            f"标签列只有一个类别（“{only}”，{len(labels)} 行）：至少需要两个类别才能训练分类器。"
        )
    return counts


def train(
    texts: Sequence[str], labels: Sequence[str], settings: Settings | None = None
) -> TextClassifier:
    """Fit the classifier on texts and their labels (blank labels must be removed first)."""
    settings = settings or Settings()
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    counts = check_labels(labels)
    prepared = prepare(texts, settings.max_text_chars)
    if not any(prepared):
        raise TextIntelError("文本列全部为空，没有可学习的内容。")
    y = np.asarray(labels, dtype=object)
    vectorizer, svm = _fit(prepared, y, settings)
    temperature = _fit_temperature(prepared, y, settings)
    return TextClassifier(
        vectorizer=vectorizer,
        svm=svm,
        temperature=temperature,
        settings=settings,
        labels=[str(label) for label in svm.classes_],
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        n_train=len(texts),
        class_counts=dict(sorted(counts.items())),
    )


def _fit(
    prepared: Sequence[str], y: NDArray[Any], settings: Settings
) -> tuple[Features, LinearSVC]:
    vectorizer = Features(settings)
    features = vectorizer.fit_transform(prepared)
    svm = LinearSVC(C=settings.svm_c, random_state=SEED)
    svm.fit(features, y)
    return vectorizer, svm


def _fit_temperature(prepared: Sequence[str], y: NDArray[Any], settings: Settings) -> float:
    """The softmax temperature that minimises log-loss on out-of-fold decision scores."""
    smallest = min(Counter(y.tolist()).values())
    folds = min(3, smallest)
    if folds < 2:
        return 1.0  # a class with one example: nothing to calibrate on
    classes = np.unique(y)
    scores = np.zeros((len(y), len(classes)))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    for train_rows, test_rows in splitter.split(np.zeros(len(y)), y):
        vectorizer, svm = _fit([prepared[i] for i in train_rows], y[train_rows], settings)
        fold_scores = _as_matrix(
            np.asarray(
                svm.decision_function(vectorizer.transform([prepared[i] for i in test_rows])),
                dtype=np.float64,
            )
        )
        # A fold may miss a rare class entirely; such columns keep a very low score.
        columns = np.searchsorted(classes, svm.classes_)
        scores[test_rows] = -1e3
        scores[np.ix_(test_rows, columns)] = fold_scores
    truth = np.searchsorted(classes, y)
    best, best_loss = 1.0, np.inf
    for temperature in np.geomspace(0.02, 5.0, 60):
        probs = softmax(scores / temperature)
        loss = -np.mean(np.log(np.clip(probs[np.arange(len(y)), truth], 1e-12, None)))
        if loss < best_loss:
            best, best_loss = float(temperature), float(loss)
    return best


# --- model files -------------------------------------------------------------------------------


def _fengqiao_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("fengqiao")
    except PackageNotFoundError:
        return "unknown"


def header_for(model: TextClassifier) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "fengqiao_version": _fengqiao_version(),
        "sklearn_version": sklearn.__version__,
        "labels": model.labels,
        "class_counts": model.class_counts,
        "n_train": model.n_train,
        "trained_at": model.trained_at,
        "settings": model.settings.__dict__,
    }


def save(model: TextClassifier, path: Path) -> None:
    """Write the model: magic line, JSON header line (with the payload's SHA-256), pickle.

    Written to a uniquely named temporary file beside ``path``, flushed to disk and renamed over
    it (``os.replace``, atomic on one file system), so a reader sees the old model or the new one,
    never half a file, and two saves at once (the worker's retrain and a command) cannot mix.
    """
    payload = pickle.dumps(model, protocol=5)
    header = header_for(model) | {"sha256": hashlib.sha256(payload).hexdigest()}
    partial: Path | None = None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
        partial = Path(name)
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC)
            handle.write(json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n")
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(partial, 0o644)  # mkstemp makes it 0600; the web server's account reads it
        os.replace(partial, path)
    except OSError as exc:
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise TextIntelError(f"无法写入模型文件 {path}：{exc.strerror}") from None


def read_header(path: Path) -> tuple[dict[str, Any], bytes]:
    """Read and check a model file's header; return it and the payload bytes."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TextIntelError(f"无法读取模型文件 {path}：{exc.strerror}") from None
    if not data.startswith(MAGIC):
        raise TextIntelError(f"{path} 不是 Fengqiao 文本分类模型文件（文件头不符）。")
    end = data.find(b"\n", len(MAGIC))
    try:
        header = json.loads(data[len(MAGIC) : end].decode("utf-8")) if end > 0 else None
    except (UnicodeDecodeError, ValueError):
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise TextIntelError(f"{path}：模型文件头已损坏。")
    if header.get("format_version") != FORMAT_VERSION:
        raise TextIntelError(
            f"{path}：模型文件格式版本为 {header.get('format_version')}，本程序只读版本 "
            f"{FORMAT_VERSION}（模型由 Fengqiao {header.get('fengqiao_version')} 生成）。"
            "请用 textintel train 或 textintel retrain 重新训练。"
        )
    if header.get("sklearn_version") != sklearn.__version__:
        raise TextIntelError(
            f"{path}：模型由 scikit-learn {header.get('sklearn_version')} 训练，"
            f"本机为 {sklearn.__version__}，不能安全加载。请重新训练。"
        )
    payload = data[end + 1 :]
    if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        raise TextIntelError(f"{path}：模型文件已损坏或被截断（校验和不符）。请重新训练。")
    return header, payload


def load(path: Path) -> TextClassifier:
    """Load a model saved by :func:`save`; every problem raises :class:`TextIntelError`.

    The header is checked (format, version, scikit-learn version, checksum) before anything is
    unpickled. Pickle is not safe against files crafted by someone else: the checksum detects
    damage, not tampering.
    """
    _header, payload = read_header(path)
    try:
        model = pickle.loads(payload)  # noqa: S301 - our own file, checked above
    except Exception as exc:
        raise TextIntelError(f"{path}：无法读取模型内容（{type(exc).__name__}）。") from None
    if not isinstance(model, TextClassifier):
        raise TextIntelError(f"{path}：模型内容不是文本分类器。")
    return model


def timed_train(
    texts: Sequence[str], labels: Sequence[str], settings: Settings | None = None
) -> tuple[TextClassifier, float]:
    """Train and return the model with the wall-clock seconds it took."""
    start = time.perf_counter()
    model = train(texts, labels, settings)
    return model, time.perf_counter() - start


# --- intake --------------------------------------------------------------------------------------

_cache: dict[Path, tuple[float, TextClassifier]] = {}


def cached_model(model_path: Path) -> TextClassifier | None:
    """The model in ``model_path``, loaded once per process and again when the file changes.

    None when there is no usable model (no file yet, or one that cannot be loaded: the reason
    is logged as a warning).
    """
    try:
        modified = model_path.stat().st_mtime
    except OSError:
        return None
    cached = _cache.get(model_path)
    if cached is None or cached[0] != modified:
        try:
            cached = (modified, load(model_path))
        except TextIntelError as exc:
            logger.warning("category suggestion disabled: %s", exc)
            return None
        _cache[model_path] = cached
    return cached[1]


def model_version(model: TextClassifier) -> str:
    """A short identifier of a trained model: when it was trained and on how many texts."""
    return f"{model.trained_at} n={model.n_train}"


def suggest(text: str, model_path: Path) -> Prediction | None:
    """The suggested category of one report and its confidence, for intake (受理时的类别建议).

    Returns None when the deployment has no usable model (see :func:`cached_model`), so intake
    never fails because of a suggestion. ``retrain`` replaces the file; the next call reloads.
    """
    model = cached_model(model_path)
    return None if model is None else model.predict([text])[0]
