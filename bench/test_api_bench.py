"""The API benchmark's own pieces (bench/api.py): its HTTP/1.1 reader, request bytes, figures.

The benchmark itself runs for minutes under ``make bench-api``; these take milliseconds.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from api import (
    HttpError,
    Tally,
    cpu_by_pid,
    database_cpu_used,
    merge,
    percentile,
    raw_request,
    read_response,
)


def parse(raw: bytes) -> tuple[int, bytes, bool]:
    async def go() -> tuple[int, bytes, bool]:
        reader = asyncio.StreamReader()
        reader.feed_data(raw)
        reader.feed_eof()
        return await read_response(reader)

    return asyncio.run(go())


def test_reads_a_response_by_its_content_length_and_keeps_the_connection() -> None:
    raw = b'HTTP/1.1 201 Created\r\nContent-Length: 11\r\n\r\n{"id": 42}\nNEXT'
    assert parse(raw) == (201, b'{"id": 42}\n', True)


def test_reads_a_chunked_response() -> None:
    raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n2\r\nef\r\n0\r\n\r\n"
    assert parse(raw) == (200, b"abcdef", True)


def test_a_connection_close_header_ends_the_connection() -> None:
    raw = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
    assert parse(raw) == (200, b"ok", False)


def test_a_response_without_length_is_read_to_the_end_and_ends_the_connection() -> None:
    assert parse(b"HTTP/1.0 200 OK\r\n\r\nall of it") == (200, b"all of it", False)


def test_a_bad_status_line_is_an_error() -> None:
    with pytest.raises(HttpError):
        parse(b"SSH-2.0-OpenSSH\r\n\r\n")


def test_the_content_length_of_a_request_counts_utf8_bytes() -> None:
    body = json.dumps({"title": "邻里噪音纠纷"}, ensure_ascii=False)
    raw = raw_request("POST", "/api/v1/cases/", 8000, "fq_key", body).encode("utf-8")
    head, sent = raw.split(b"\r\n\r\n", 1)
    assert f"Content-Length: {len(sent)}".encode() in head
    assert len(sent) > len(body)  # three bytes per Chinese character
    assert b"Authorization: Token fq_key" in head


def test_a_get_has_no_body_headers() -> None:
    raw = raw_request("GET", "/api/v1/cases/FQ-1/", 8000, "k")
    assert raw.endswith("\r\n\r\n") and "Content-Length" not in raw


def test_percentiles_are_nearest_rank() -> None:
    values = [float(x) for x in range(1, 101)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([], 0.5) == 0.0


def test_only_responses_in_the_window_count_but_every_201_is_a_created_row() -> None:
    tally = Tally(expected=201, window=(10.0, 20.0))
    body = b'{"number": "FQ-20261129-00001", "title": "x"}'
    tally.note(201, body, 0.0, 0.005, wall=9.0)  # warm-up
    tally.note(201, body, 0.0, 0.010, wall=15.0)
    tally.note(500, b"oops", 0.0, 0.001, wall=16.0)
    tally.note(201, body, 0.0, 0.020, wall=21.0)  # drained after the window
    assert tally.created == 3
    assert tally.numbers == ["FQ-20261129-00001"] * 3
    assert tally.latencies_ms == [pytest.approx(10.0)]
    assert tally.errors == 1 and tally.statuses == {"201": 3, "500": 1}


def test_merge_adds_up_the_client_processes() -> None:
    part = {
        "latencies_ms": [1.0, 3.0],
        "statuses": {"200": 2},
        "errors": 0,
        "created": 0,
        "numbers": [],
        "error_samples": [],
        "cpu_s": 0.5,
    }
    merged = merge([part, part | {"latencies_ms": [2.0, 4.0], "errors": 1}], duration=2.0)
    assert merged["requests"] == 4 and merged["rps"] == 2.0
    assert merged["p50_ms"] == 2.0 and merged["max_ms"] == 4.0
    assert merged["statuses"] == {"200": 4} and merged["errors"] == 1
    assert merged["client_cpu_s"] == 1.0


def test_a_database_backend_that_exits_in_the_window_keeps_its_cpu() -> None:
    # Backend 1 runs throughout, 2 exits after its last sample (Django's CONN_MAX_AGE),
    # 3 connects in the window; summing only the backends alive at the end would give
    # 6.0 - 12.0 = -6.0 here.
    start = {1: 4.0, 2: 8.0}
    seen = {1: 4.5, 2: 9.5, 3: 0.2}
    end = {1: 5.0, 3: 1.0}
    assert database_cpu_used(start, seen, end) == pytest.approx(1.0 + 1.5 + 1.0)
    assert database_cpu_used(None, None, None) is None


def test_cpu_by_pid_reads_this_process_and_leaves_out_gone_ones() -> None:
    import os

    found = cpu_by_pid([os.getpid(), 2**22 + 12345])
    assert list(found) == [os.getpid()] and found[os.getpid()] > 0
