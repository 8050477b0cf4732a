"""Duplicate and similar reports (重复件/相似件识别): MinHash with LSH banding, place and time.

Two reports are probably the same matter when their normalised texts share most of their
character shingles (estimated Jaccard similarity at least ``threshold``), their points are within
``radius_m`` metres (when both have a point) and they were made within ``window_s`` seconds
(when both have a time).

:class:`DuplicateIndex` answers the intake question "which open cases is this one probably the
same as?" in a few milliseconds against a million reports, and :func:`find_duplicate_pairs` /
:func:`duplicate_clusters` de-duplicate a batch (an import). Candidates come from LSH banding:
each signature is cut into ``bands`` bands of ``rows`` values and two reports become candidates
when any band is equal, which happens with probability ``1 - (1 - J**rows)**bands``; candidates
are then scored on the whole signature.

Storage per report: ``bands × rows`` × 2 bytes of signature, ``bands`` × 12 bytes of band table,
24 bytes of place and time, and the caller's id. Added reports go to a small pending table that is
merged into the sorted band table every ``merge_every`` additions.

Pure NumPy, no Django; see docs/textintel-dedup.md.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from fengqiao.textintel.minhash import U16, U64, MinHasher, similarity
from fengqiao.textintel.normalise import MAX_CHARS, normalise

EARTH_RADIUS_M = 6_371_000.0
_BAND_MIX = np.uint64(0x9E3779B97F4A7C15)
_DAY = 86_400.0
_FENCE = 128  # keys per block of the band table's fence index


@dataclass(frozen=True)
class DedupConfig:
    """Settings of a duplicate index; defaults are tuned on the benchmark (bench/dedup.py)."""

    shingle: int = 3
    bands: int = 32
    rows: int = 4
    threshold: float = 0.5
    radius_m: float = 500.0
    window_s: float = 30 * _DAY
    max_chars: int = MAX_CHARS
    max_bucket: int = 1_000
    """A band value shared by more reports than this (boilerplate) is not a candidate source
    for a query (the other bands still find a real duplicate); in batch pairing a report is
    paired with at most this many reports that follow it in time in a band bucket."""
    seed: int = 20261129

    def __post_init__(self) -> None:
        if not 1 <= self.rows <= 4:
            raise ValueError("rows must be 1 to 4 (four 16-bit values fill a 64-bit band key)")
        if self.bands < 1:
            raise ValueError("bands must be at least 1")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if self.radius_m <= 0 or self.window_s <= 0:
            raise ValueError("radius_m and window_s must be positive")


@dataclass(frozen=True)
class Report:
    """A report to index or check: the caller's id, its text, and optionally point and time."""

    id: Hashable
    text: str
    lon: float | None = None
    lat: float | None = None
    t: datetime | float | None = None
    """When it was made: an aware datetime or POSIX seconds."""


@dataclass(frozen=True)
class Candidate:
    """A report that is probably the same matter, with why."""

    id: Hashable
    score: float
    """Ranking score: text similarity, less up to 0.1 for distance and 0.1 for time apart."""
    similarity: float
    """Estimated Jaccard similarity of the normalised texts' shingles (0–1)."""
    distance_m: float | None
    seconds_apart: float | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class DuplicatePair:
    """Two reports of a batch that are probably the same matter (``first`` added before)."""

    first: Hashable
    second: Hashable
    similarity: float
    distance_m: float | None
    seconds_apart: float | None


_G = TypeVar("_G", bound=np.generic)


def _grown(a: npt.NDArray[_G], capacity: int, fill: object) -> npt.NDArray[_G]:
    """A copy of ``a`` with ``capacity`` rows, the new ones set to ``fill``."""
    out = np.full((capacity, *a.shape[1:]), fill, dtype=a.dtype)
    out[: len(a)] = a
    return out


def _seconds(t: datetime | float | None) -> float:
    if t is None:
        return math.nan
    if isinstance(t, datetime):
        return t.timestamp()
    return float(t)


def _distance_m(
    lon: float, lat: float, lons: npt.NDArray[np.float64], lats: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Equirectangular distances in metres: exact enough within a district (NaN if no point)."""
    x = np.radians(lons - lon) * math.cos(math.radians(lat))
    y = np.radians(lats - lat)
    return np.asarray(EARTH_RADIUS_M * np.hypot(x, y), dtype=np.float64)


def reasons_for(
    similarity: float, distance_m: float | None, seconds: float | None
) -> tuple[str, ...]:
    """Plain-English reasons, one per measure; the Django layer words them in Chinese."""
    out = [f"text similarity {similarity:.2f}"]
    if distance_m is not None:
        out.append(f"{distance_m:.0f} m apart")
    if seconds is not None:
        out.append(f"{seconds / _DAY:.1f} days apart")
    return tuple(out)


class DuplicateIndex:
    """Reports indexed for "probably the same matter" look-ups (see the module docstring).

    Not thread-safe: one index per process, rebuilt from the database or updated on intake.
    """

    def __init__(self, config: DedupConfig | None = None, *, merge_every: int = 20_000) -> None:
        self.config = config or DedupConfig()
        self.hasher = MinHasher(
            self.config.bands * self.config.rows,
            shingle=self.config.shingle,
            seed=self.config.seed,
        )
        self.merge_every = merge_every
        self._ids: list[Hashable] = []
        self._pos: dict[Hashable, int] = {}
        k = self.hasher.num_hashes
        self._sig: U16 = np.empty((0, k), dtype=np.uint16)
        self._lon = np.empty(0, dtype=np.float64)
        self._lat = np.empty(0, dtype=np.float64)
        self._t = np.empty(0, dtype=np.float64)
        self._alive = np.empty(0, dtype=bool)
        self._keys: U64 = np.empty(0, dtype=np.uint64)  # sorted band keys of merged reports
        self._rows = np.empty(0, dtype=np.int32)  # report position of each key
        self._fences: U64 = np.empty(0, dtype=np.uint64)  # every _FENCE-th key
        self._merged = 0  # reports [0, _merged) are in the sorted table
        self._pending: dict[int, list[int]] = {}  # band key → reports not yet merged
        self._pending_upto = 0  # reports [_merged, _pending_upto) are in _pending

    def __len__(self) -> int:
        return int(self._alive[: len(self._ids)].sum())

    def __contains__(self, doc_id: object) -> bool:
        pos = self._pos.get(doc_id)
        return pos is not None and bool(self._alive[pos])

    # -- building ---------------------------------------------------------------------------

    def band_keys(self, sig: U16) -> U64:
        """The ``bands`` 64-bit band keys of each signature row (shape: rows × bands)."""
        cfg = self.config
        sig = np.ascontiguousarray(sig)
        if cfg.rows == 4:
            # Four uint16 values side by side are one uint64: read them in place.
            keys = sig.view(np.uint64).reshape(len(sig), cfg.bands).copy()
        else:
            keys = np.zeros((len(sig), cfg.bands), dtype=np.uint64)
            for r in range(cfg.rows):
                keys <<= np.uint64(16)
                keys |= sig[:, r :: cfg.rows].astype(np.uint64)
        with np.errstate(over="ignore"):
            bands = np.arange(cfg.bands, dtype=np.uint64) * _BAND_MIX
        keys ^= bands[None, :]
        return keys

    def add(self, report: Report) -> bool:
        """Index one report; False (and nothing indexed) if its text has nothing comparable."""
        return self.add_many([report]) == 1

    def add_many(self, reports: Iterable[Report], *, chunk: int = 5_000) -> int:
        """Index reports in chunks; returns how many were indexed.

        Reports whose normalised text is empty are skipped (nothing to compare). An id already
        in the index raises ``ValueError``; remove it first to replace it.
        """
        added = 0
        batch: list[Report] = []
        for report in reports:
            batch.append(report)
            if len(batch) == chunk:
                added += self._add_batch(batch)
                batch = []
        if batch:
            added += self._add_batch(batch)
        return added

    def _add_batch(self, reports: Sequence[Report]) -> int:
        texts, kept, seen = [], [], set()
        for report in reports:
            if report.id in self._pos or report.id in seen:
                raise ValueError(f"report {report.id!r} is already indexed")
            seen.add(report.id)
            text = normalise(report.text, max_chars=self.config.max_chars)
            if text:
                texts.append(text)
                kept.append(report)
        if not kept:
            return 0
        sig = self.hasher.signatures(texts)
        start = len(self._ids)
        self._grow(start + len(kept))
        self._sig[start : start + len(kept)] = sig
        for i, report in enumerate(kept):
            self._ids.append(report.id)
            self._pos[report.id] = start + i
            lon, lat = report.lon, report.lat
            has_point = lon is not None and lat is not None
            self._lon[start + i] = lon if has_point else math.nan
            self._lat[start + i] = lat if has_point else math.nan
            self._t[start + i] = _seconds(report.t)
        self._alive[start : start + len(kept)] = True
        return len(kept)

    def _grow(self, size: int) -> None:
        if size <= len(self._alive):
            return
        capacity = max(size, 2 * len(self._alive), 1_024)

        self._sig = _grown(self._sig, capacity, 0)
        self._lon = _grown(self._lon, capacity, math.nan)
        self._lat = _grown(self._lat, capacity, math.nan)
        self._t = _grown(self._t, capacity, math.nan)
        self._alive = _grown(self._alive, capacity, False)

    def nbytes(self) -> int:
        """Bytes held in the index's arrays (not counting the ids and the pending table)."""
        arrays: list[npt.NDArray[Any]] = [
            self._sig,
            self._lon,
            self._lat,
            self._t,
            self._alive,
            self._keys,
            self._rows,
            self._fences,
        ]
        return sum(a.nbytes for a in arrays)

    def reserve(self, size: int) -> None:
        """Allocate room for ``size`` reports at once (avoids regrowth in a bulk build)."""
        self._grow(size)

    def merge(self) -> None:
        """Move pending reports into the sorted band table (a sort of all keys)."""
        n = len(self._ids)
        if n == self._merged:
            return
        new_keys = self.band_keys(self._sig[self._merged : n]).ravel()
        new_rows = np.repeat(np.arange(self._merged, n, dtype=np.int32), self.config.bands)
        keys = np.concatenate([self._keys, new_keys])
        rows = np.concatenate([self._rows, new_rows])
        # By key, then by time within a key (unknown last): batch pairing walks the window.
        order = np.lexsort((self._t[rows], keys))
        self._keys, self._rows = keys[order], rows[order]
        self._fences = self._keys[::_FENCE].copy()
        self._merged = self._pending_upto = n
        self._pending = {}

    def remove(self, doc_id: Hashable) -> None:
        """Forget a report (closed or merged case); its slot stays but never matches again."""
        pos = self._pos.pop(doc_id, None)
        if pos is None:
            raise KeyError(f"report {doc_id!r} is not indexed")
        self._alive[pos] = False

    # -- querying ---------------------------------------------------------------------------

    def _catch_up(self) -> None:
        """Make every added report findable: merge if many are pending, else hash them.

        Bulk loads therefore cost one sort, and single intake additions a few dict entries.
        """
        n = len(self._ids)
        if n - self._merged >= self.merge_every:
            self.merge()
            return
        if self._pending_upto < n:
            keys = self.band_keys(self._sig[self._pending_upto : n])
            for i, row in enumerate(keys.tolist(), start=self._pending_upto):
                for key in row:
                    self._pending.setdefault(key, []).append(i)
            self._pending_upto = n

    def _find(self, keys: U64) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Start and end in the band table of each key's run (equal when absent).

        Two levels, because a binary search of a table of tens of millions of keys is a chain
        of cache misses: the fence table (every ``_FENCE``-th key, a few hundred kilobytes)
        gives the block where a run starts, and one vectorised comparison over that block finds
        it. Runs that reach the end of the block (large buckets) fall back to a binary search.
        """
        table, n = self._keys, len(self._keys)
        if n == 0:
            empty = np.zeros(len(keys), dtype=np.int64)
            return empty, empty
        block = np.searchsorted(self._fences, keys, side="left") - 1
        start = np.maximum(block, 0) * _FENCE
        # The run of a key starts in [start, start + _FENCE]: fences[block] < key <= next fence.
        window = start[:, None] + np.arange(_FENCE + 1)
        inside = window < n
        equal = (table[np.minimum(window, n - 1)] == keys[:, None]) & inside
        found = equal.any(axis=1)
        lo = np.where(found, start + equal.argmax(axis=1), start)
        hi = lo + found * equal.sum(axis=1)
        long = np.flatnonzero(found & equal[:, -1])  # the run may go on past the window
        if len(long):
            hi[long] = np.searchsorted(table, keys[long], side="right")
        return lo, hi

    def _candidates(self, keys: U64) -> npt.NDArray[np.int64]:
        self._catch_up()
        cap = self.config.max_bucket
        lo, hi = self._find(keys)
        sizes = hi - lo
        hit = np.flatnonzero((sizes > 0) & (sizes <= cap))
        parts = [self._rows[lo[i] : hi[i]] for i in hit.tolist()]
        for key in keys.tolist() if self._pending else ():
            found = self._pending.get(key)
            if found and len(found) <= cap:
                parts.append(np.asarray(found, dtype=np.int32))
        if not parts:
            return np.empty(0, dtype=np.int64)
        return np.unique(np.concatenate(parts)).astype(np.int64)

    def query(
        self,
        text: str,
        *,
        lon: float | None = None,
        lat: float | None = None,
        t: datetime | float | None = None,
        limit: int = 10,
        exclude: Hashable | None = None,
    ) -> list[Candidate]:
        """Indexed reports that are probably the same matter as this text, best first.

        Cost: one signature (shingles × hashes multiply-adds), a look-up of ``bands`` keys in
        the band table (see :meth:`_find`) and a comparison of each candidate's signature; no
        pass over the whole index.
        """
        normal = normalise(text, max_chars=self.config.max_chars)
        if not normal:
            return []
        sig = self.hasher.signatures([normal])
        pos = self._candidates(self.band_keys(sig)[0])
        if exclude is not None and exclude in self._pos:
            pos = pos[pos != self._pos[exclude]]
        pos = pos[self._alive[pos]]
        sims = similarity(sig[0], self._sig[pos])
        keep = sims >= self.config.threshold
        pos, sims = pos[keep], sims[keep]
        return self._rank(pos, sims, lon, lat, _seconds(t), limit)

    def _rank(
        self,
        pos: npt.NDArray[np.int64],
        sims: npt.NDArray[np.float64],
        lon: float | None,
        lat: float | None,
        t: float,
        limit: int,
    ) -> list[Candidate]:
        cfg = self.config
        if lon is not None and lat is not None:
            dist = _distance_m(lon, lat, self._lon[pos], self._lat[pos])
        else:
            dist = np.full(len(pos), math.nan)
        gap = np.abs(self._t[pos] - t)
        ok = ~(dist > cfg.radius_m) & ~(gap > cfg.window_s)  # NaN (unknown) passes
        pos, sims, dist, gap = pos[ok], sims[ok], dist[ok], gap[ok]
        # An unknown distance or time costs nothing (NaN → 0).
        score = sims - 0.1 * np.fmax(dist / cfg.radius_m, 0) - 0.1 * np.fmax(gap / cfg.window_s, 0)
        order = np.argsort(-score, kind="stable")[:limit]
        out = []
        for i in order.tolist():
            d = None if math.isnan(dist[i]) else float(dist[i])
            g = None if math.isnan(gap[i]) else float(gap[i])
            s = round(float(sims[i]), 3)
            out.append(
                Candidate(
                    self._ids[int(pos[i])], round(float(score[i]), 3), s, d, g, reasons_for(s, d, g)
                )
            )
        return out

    # -- batch ------------------------------------------------------------------------------

    def pairs(self) -> Iterator[DuplicatePair]:
        """Every pair of live indexed reports that passes the text, place and time tests.

        Candidate pairs are checked pass by pass as :func:`_bucket_pairs` walks the band table,
        so memory holds only the pairs that pass, not every candidate.
        """
        self.merge()
        cfg = self.config
        times = self._t[self._rows]
        kept = []
        for first, second in _bucket_pairs(self._keys, times, cfg.window_s, cfg.max_bucket):
            for s in range(0, len(first), 500_000):
                a = self._rows[first[s : s + 500_000]].astype(np.int64)
                b = self._rows[second[s : s + 500_000]].astype(np.int64)
                ok = self._alive[a] & self._alive[b] & ~(self._distances(a, b) > cfg.radius_m)
                a, b = a[ok], b[ok]
                ok = (self._sig[a] == self._sig[b]).mean(axis=1) >= cfg.threshold
                kept.append(np.stack([np.minimum(a, b)[ok], np.maximum(a, b)[ok]], axis=1))
        del times
        if not kept:
            return
        # The same two reports may share several bands: keep each pair once.
        found = np.unique(np.concatenate(kept), axis=0)
        a, b = found[:, 0], found[:, 1]
        sims = (self._sig[a] == self._sig[b]).mean(axis=1)
        dist, gap = self._distances(a, b), np.abs(self._t[b] - self._t[a])
        for i in range(len(found)):
            d, g = float(dist[i]), float(gap[i])
            yield DuplicatePair(
                self._ids[int(a[i])],
                self._ids[int(b[i])],
                round(float(sims[i]), 3),
                None if math.isnan(d) else d,
                None if math.isnan(g) else g,
            )

    def _distances(
        self, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float64]:
        x = np.radians(self._lon[b] - self._lon[a]) * np.cos(np.radians(self._lat[a]))
        return np.asarray(
            EARTH_RADIUS_M * np.hypot(x, np.radians(self._lat[b] - self._lat[a])), dtype=np.float64
        )


def _bucket_pairs(
    keys: U64, times: npt.NDArray[np.float64], window_s: float, max_offset: int
) -> Iterator[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    """Pairs of positions in the band table that share a key and are within the time window.

    ``keys`` are sorted, and ``times`` ascending within a key (unknown times last). Pass *d*
    yields the pairs ``(i, i + d)``; a position drops out once the next one in its bucket is
    beyond the window (a later one is never closer), so a large bucket of boilerplate costs
    pairs only among reports close in time, and at most ``max_offset`` passes are made.
    Positions, not reports: the caller maps them through its row table.
    """
    active = np.flatnonzero(keys[1:] == keys[:-1])
    for d in range(1, max_offset + 1):
        if d > 1:
            active = active[active + d < len(keys)]
            active = active[keys[active] == keys[active + d]]
        gap = times[active + d] - times[active]
        active = active[~(gap > window_s)]  # unknown times (NaN) pass
        if len(active) == 0:
            break
        yield active, active + d
    yield from _untimed_pairs(keys, times, max_offset)


def _untimed_pairs(
    keys: U64, times: npt.NDArray[np.float64], max_offset: int
) -> Iterator[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    """Pairs of a report without a time and the timed reports of its bucket.

    They sit at the end of the bucket, so the walk in time order can stop before reaching them;
    an unknown time passes the window test, so pair them here with the (at most
    ``max_offset``) timed reports just before them.
    """
    unknown = np.flatnonzero(np.isnan(times))
    if len(unknown) == 0 or len(unknown) == len(times):
        return
    bucket_start = np.searchsorted(keys, keys[unknown], side="left")
    first_unknown = unknown[np.searchsorted(unknown, bucket_start)]
    low = np.maximum(bucket_start, first_unknown - max_offset)
    counts = first_unknown - low
    if counts.sum() == 0:
        return
    second = np.repeat(unknown, counts)
    starts = np.cumsum(counts) - counts
    first = np.repeat(low, counts) + np.arange(counts.sum()) - np.repeat(starts, counts)
    yield first.astype(np.int64), second.astype(np.int64)


def find_duplicate_pairs(
    reports: Iterable[Report], config: DedupConfig | None = None
) -> list[DuplicatePair]:
    """Pairs of reports in a batch (an import) that are probably the same matter.

    Each unordered pair appears once, most similar first. Reports with no comparable text are
    ignored. Cost: one index build and a comparison of each LSH candidate pair.
    """
    index = DuplicateIndex(config, merge_every=2**62)
    index.add_many(reports)
    return sorted(index.pairs(), key=lambda p: -p.similarity)


def duplicate_clusters(pairs: Iterable[DuplicatePair]) -> list[list[Hashable]]:
    """Groups of reports joined by duplicate pairs (connected components), largest first.

    Union–find with path halving; members keep the order in which they were first seen.
    """
    parent: dict[Hashable, Hashable] = {}

    def root(x: Hashable) -> Hashable:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        a, b = root(pair.first), root(pair.second)
        if a != b:
            parent[b] = a
    groups: dict[Hashable, list[Hashable]] = {}
    for x in parent:
        groups.setdefault(root(x), []).append(x)
    return sorted(groups.values(), key=len, reverse=True)
