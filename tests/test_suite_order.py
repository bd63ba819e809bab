"""The order the suite's tests are handed to two xdist workers (tests/conftest.py,
`order_for_xdist_workers`): only the time depends on it, except that browser tests stay last
(Playwright leaves an event loop on the thread that no later test may meet)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.conftest import order_for_xdist_workers


class Item:
    """What the ordering reads of a pytest item: its marks and its fixtures."""

    def __init__(self, name: str, *marks: str, database: bool = True):
        self.name, self.marks = name, set(marks)
        self.fixturenames = ("db", "django_db_setup") if database else ()

    def get_closest_marker(self, name: str):
        return name if name in self.marks else None

    def __repr__(self) -> str:
        return self.name


def config(workers: int) -> SimpleNamespace:
    return SimpleNamespace(workerinput={"workercount": workers, "workerid": "gw0"})


def suite(database: int = 40, without: int = 10, browser: int = 5, together: int = 3) -> list[Item]:
    return ([Item(f"db{i}") for i in range(database // 2)]
            + [Item(f"plain{i}", database=False) for i in range(without)]
            + [Item(f"together{i}", "one_worker") for i in range(together)]
            + [Item(f"db{i}") for i in range(database // 2, database)]
            + [Item(f"browser{i}", "browser") for i in range(browser)])


def names(items) -> list[str]:
    return [item.name for item in items]


def test_the_first_worker_starts_with_the_one_worker_modules_and_the_second_with_the_tests_without_database():
    items = suite()
    order_for_xdist_workers(config(2), items)
    chunk = len(items) // 2 // 4  # xdist's first chunk for each worker
    first, second = names(items[:chunk]), names(items[chunk:2 * chunk])
    assert first[:3] == ["together0", "together1", "together2"] and first[3] == "db0"
    assert second == [f"plain{i}" for i in range(chunk)]
    assert names(items[-5:]) == [f"browser{i}" for i in range(5)]
    # Nothing lost or doubled, and each kind keeps its own order.
    assert sorted(names(items)) == sorted(names(suite()))
    assert [n for n in names(items) if n.startswith("db")] == [f"db{i}" for i in range(40)]


@pytest.mark.parametrize("kept", [dict(database=1, without=10, browser=5, together=0),  # fewer database tests than a chunk
                                  dict(database=0, without=0, browser=5, together=0),  # -m browser
                                  dict(database=0, without=10, browser=0, together=0)])  # nothing to migrate
def test_browser_tests_stay_last_whatever_was_selected(kept):
    items = suite(**kept)
    order_for_xdist_workers(config(2), items)
    browser = [i for i, item in enumerate(items) if "browser" in item.marks]
    assert browser == list(range(len(items) - len(browser), len(items)))
    assert sorted(names(items)) == sorted(names(suite(**kept)))


def test_one_worker_or_none_keeps_the_collected_order():
    for workers in (0, 1):
        items = suite()
        order_for_xdist_workers(config(workers), items)
        assert names(items) == names(suite())
