"""The tests' PostgreSQL: missing under CI is a failure, never a silent skip."""

from __future__ import annotations

import pytest

from tests import pg_cluster


def test_without_postgresql_ci_fails_and_a_local_run_skips_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pg_cluster, "_binary", lambda name: None)
    with pytest.raises(RuntimeError, match="apt-get install -y postgresql") as missing:
        pg_cluster.start()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required under CI"):
        pg_cluster.unavailable(missing.value)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="CI runs these cases"):
        pg_cluster.unavailable(missing.value)
