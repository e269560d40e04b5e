"""The HTTP benchmark reads wrk's report correctly and says what is missing (no timings here:
those are measured only by the benchmark itself)."""

import pytest

from bench import http_bench

WRK_REPORT = """Running 10s test @ http://127.0.0.1:8000/
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.52ms   12.01ms 210.33ms   80.12%
    Req/Sec     1.19k   150.20     1.50k    70.00%
  Latency Distribution
     50%   18.20ms
     75%   25.01ms
     90%  950.00us
     99%    1.20s
  23712 requests in 10.01s, 150.03MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:   2369.55
Transfer/sec:     14.99MB
"""


def test_the_wrk_report_is_read_with_its_units():
    result = http_bench.parse_wrk(WRK_REPORT)

    assert result["requests_per_second"] == 2369.55
    assert result["requests"] == 23712
    assert result["p50_ms"] == 18.2
    assert result["p90_ms"] == pytest.approx(0.95)
    assert result["p99_ms"] == 1200.0
    assert (result["socket_errors"], result["non_2xx"]) == (5, 4)


def test_a_missing_wrk_is_named_with_how_to_install_it(monkeypatch):
    monkeypatch.setattr(http_bench.shutil, "which", lambda name: None)

    assert any("apt-get install -y wrk" in line for line in http_bench.missing_tools())


def test_the_benchmark_stops_before_doing_anything_when_a_tool_is_missing(monkeypatch, capsys):
    monkeypatch.setattr(http_bench.shutil, "which", lambda name: None)
    monkeypatch.setattr(http_bench.sys, "argv", ["http_bench"])

    assert http_bench.main() == 2
    assert "wrk" in capsys.readouterr().err
