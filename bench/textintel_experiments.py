"""Category suggestion experiments: candidate models and equal-weight ensembles, by CV.

Reproduces docs/textintel.md, "Second round of experiments": every member's out-of-fold decision
scores on 5-fold stratified CV of ``annex2_train.csv`` (the benchmark's folds, seed 20260, unless
``--seed``), its macro-F1, and the best equal-weight ensembles of 2–4 members (scores
standardised per message, then summed). Not product code: it chooses nothing by itself.

    .venv/bin/python bench/textintel_experiments.py [--data DIR] [--seed N] [--members a,b,...]

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
from scipy.sparse import hstack  # noqa: E402
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer  # noqa: E402
from sklearn.linear_model import RidgeClassifier, SGDClassifier  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.naive_bayes import ComplementNB  # noqa: E402
from sklearn.preprocessing import normalize  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

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


def sgd(train: list[str], test: list[str], y: NDArray[Any], classes: NDArray[Any]) -> Scores:
    x_train, x_test = _char13(train, test)
    model = SGDClassifier(
        loss="modified_huber",
        penalty="elasticnet",
        alpha=1e-5,
        max_iter=50,
        tol=None,
        random_state=SEED,
    ).fit(x_train, y)
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


MEMBERS: dict[str, Member] = {
    "product": product,
    "nbsvm": nbsvm,
    "lcr_tfidf": lcr_tfidf,
    "sgd": sgd,
    "ridge": ridge,
    "cnb": cnb,
    "knn": knn,
    "words": words,
}


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the 5 CV folds")
    parser.add_argument("--members", default=",".join(MEMBERS), help="comma-separated names")
    parser.add_argument("--jobs", type=int, default=2, help="parallel fits")
    args = parser.parse_args()
    names = [n for n in args.members.split(",") if n]
    unknown = [n for n in names if n not in MEMBERS]
    if unknown:
        parser.error(f"--members: unknown {', '.join(unknown)}; known: {', '.join(MEMBERS)}")
    if "words" in names and importlib.util.find_spec("jieba") is None:
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
