"""Helpers for the screen's browser tests (tests/browser/test_screen_*.py): the demo city, published.

Browser tests run on a flushed transactional database, so the indicator reference data the migration
loads is put back first. The demo is loaded as of a fixed day, so its last two quarters (2026Q2 and
2026Q3) are locked and published and the screen shows 2026年第三季度.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.core.cache import cache

from liangping.demo.loader import load_demo
from liangping.indicators.catalogue import CITIES, HOME_CITY, INDICATORS
from liangping.indicators.models import City, Indicator

DEMO_DAY = dt.date(2026, 10, 20)
DEMO_PASSWORD = "Demo#2025zz"
SCREEN_4K = {"width": 3840, "height": 2160}
PAGES = ["overview", "districts", "lists", "tasks", "ranking", "units"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "browser" / "artifacts"
STALE = re.compile(r"^数据可能已过期：最后一次更新 \d{2}:\d{2}:\d{2}$")


def reference_data() -> None:
    for sort, name in enumerate(CITIES, start=1):
        City.objects.get_or_create(
            name=name, defaults={"sort": sort, "is_home": name == HOME_CITY, "aliases": f"{name}市"}
        )
    for sort, (name, synonyms, unit) in enumerate(INDICATORS, start=1):
        Indicator.objects.get_or_create(
            name=name, defaults={"synonyms": synonyms, "unit": unit, "sort": sort}
        )


def demo_city() -> None:
    cache.clear()
    reference_data()
    load_demo(DEMO_DAY)


def real_errors(errors: list[str]) -> list[str]:
    """Console errors, less the lines the offline routing and the failing-endpoint test cause on purpose."""
    return [e for e in errors if "net::ERR_FAILED" not in e]


def open_screen(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.wait_for_function("window.screenReady === true", timeout=20000)


def canvases_drawn(page, selector: str) -> list[bool]:  # type: ignore[no-untyped-def]
    """For every chart canvas under `selector`: does it hold any non-transparent pixel?"""
    return page.evaluate(
        """(sel) => Array.from(document.querySelectorAll(sel + ' canvas')).map((c) => {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 4 * 97) if (d[i] !== 0) return true;
            return false;
        })""",
        selector,
    )


def cjk_renders(page) -> bool:  # type: ignore[no-untyped-def]
    """枣 drawn in the screen's font differs from a blank and from a missing-glyph box."""
    return page.evaluate(
        """() => {
            const font = getComputedStyle(document.body).fontFamily;
            const draw = (ch) => {
                const c = document.createElement('canvas'); c.width = 64; c.height = 64;
                const x = c.getContext('2d'); x.fillStyle = '#fff'; x.font = '48px ' + font;
                x.fillText(ch, 4, 52); return x.getImageData(0, 0, 64, 64).data.join(',');
            };
            const blank = draw(' '), zao = draw('枣'), tofu = draw('\\uE000');
            return zao !== blank && zao !== tofu;
        }"""
    )


def overflowing_panels(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Panels of the visible page whose content spills out of them, and whether the page scrolls."""
    return page.evaluate(
        """() => {
            const out = [];
            document.querySelectorAll('.s-page.active .panel').forEach((p) => {
                if (p.scrollHeight > p.clientHeight + 2 || p.scrollWidth > p.clientWidth + 2)
                    out.push((p.querySelector('h3') || p).textContent.trim().slice(0, 20));
            });
            const d = document.documentElement;
            const w = window;
            if (d.scrollWidth > w.innerWidth || d.scrollHeight > w.innerHeight) out.push('page scrolls');
            return out;
        }"""
    )
