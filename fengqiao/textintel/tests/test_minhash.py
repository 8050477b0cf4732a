import numpy as np
import pytest

from fengqiao.textintel.minhash import MinHasher, shingle_hashes, similarity


def exact_jaccard(a: str, b: str, k: int = 3) -> float:
    sa = {a[i : i + k] for i in range(len(a) - k + 1)}
    sb = {b[i : i + k] for i in range(len(b) - k + 1)}
    return len(sa & sb) / len(sa | sb)


def test_each_text_gets_one_hash_per_shingle_and_a_short_text_one():
    hashes, starts = shingle_hashes(["噪音扰民严重", "漏水", "停车难"], 3)
    assert starts.tolist() == [0, 4, 5]
    assert len(hashes) == 4 + 1 + 1


def test_equal_shingles_hash_equal_across_texts():
    hashes, starts = shingle_hashes(["搅拌站噪音", "丽发新城搅拌站"], 3)
    first, second = hashes[: starts[1]], hashes[starts[1] :]
    assert first[0] == second[4]  # 搅拌站


def test_empty_text_is_refused():
    with pytest.raises(ValueError, match="empty"):
        shingle_hashes(["噪音", ""], 3)


def test_signatures_depend_only_on_text_and_seed():
    texts = ["丽发新城附近修建搅拌站噪音扰民", "伊景园滨河苑捆绑销售车位"]
    a = MinHasher(64, seed=1).signatures(texts)
    b = MinHasher(64, seed=1).signatures(list(reversed(texts)))
    assert (a == b[::-1]).all()
    assert not (a == MinHasher(64, seed=2).signatures(texts)).all()


def test_signature_agreement_estimates_jaccard_similarity():
    rng = np.random.default_rng(3)
    alphabet = list("噪音扰民停车漏水物业工资拖欠小区街道搅拌站投诉反映请求尽快处理严重")
    base = "".join(rng.choice(alphabet, 300))
    pairs = []
    for cut in (30, 90, 150, 220):
        other = base[:cut] + "".join(rng.choice(alphabet, 300 - cut))
        pairs.append((base, other))
    hasher = MinHasher(512)
    for a, b in pairs:
        sig = hasher.signatures([a, b])
        estimate = float(similarity(sig[0], sig[1:])[0])
        assert abs(estimate - exact_jaccard(a, b)) < 0.08


def test_chunking_does_not_change_signatures():
    texts = [f"{i}号楼漏水严重请物业尽快维修" for i in range(50)]
    hasher = MinHasher(32)
    whole = hasher.signatures(texts, chunk_shingles=1_000_000)
    assert (hasher.signatures(texts, chunk_shingles=7) == whole).all()
