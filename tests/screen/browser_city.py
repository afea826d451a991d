"""Helpers for the screen's browser tests (tests/browser/test_screen_*.py): the demo city, published.

Browser tests run on a flushed transactional database; the demo loader puts the indicator reference
data the migration loads back first. The demo is loaded as of a fixed day, so its last two quarters
(2026Q2 and 2026Q3) are locked and published and the screen shows 2026年第三季度.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.core.cache import cache

from liangping.demo.loader import load_demo

DEMO_DAY = dt.date(2026, 10, 20)
DEMO_PASSWORD = "Demo#2025zz"
SCREEN_4K = {"width": 3840, "height": 2160}
PAGES = ["overview", "districts", "trend", "lists", "tasks", "ranking", "units", "summons"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "browser" / "artifacts"
STALE = re.compile(r"^数据可能已过期：最后一次更新 \d{2}:\d{2}:\d{2}$")


def demo_city() -> None:
    cache.clear()
    load_demo(DEMO_DAY)  # puts the flushed reference data back first


def real_errors(errors: list[str]) -> list[str]:
    """Console errors, less the network lines Chromium logs for what a test does on purpose: requests to
    other origins aborted (ERR_FAILED) and polls while the server is stopped (ERR_CONNECTION_REFUSED)."""
    expected = ("net::ERR_FAILED", "net::ERR_CONNECTION_REFUSED")
    return [e for e in errors if not any(x in e for x in expected)]


def open_screen(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    # a selector, not a JS predicate: the screen's CSP forbids the eval a polled predicate needs
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=20000)


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


def small_text(page, minimum_rem: float) -> list[str]:  # type: ignore[no-untyped-def]
    """Visible text of the header, the active page and the footer set smaller than `minimum_rem` (as
    computed), as 'size px: text'."""
    return page.evaluate(
        """(minimum) => {
            const root = parseFloat(getComputedStyle(document.documentElement).fontSize);
            const out = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const text = node.textContent.trim();
                const el = node.parentElement;
                if (!text || !el || el.closest('script, .s-page:not(.active)')) continue;
                if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
                const size = parseFloat(getComputedStyle(el).fontSize);
                if (size < minimum * root - 0.05) out.push(size.toFixed(1) + 'px: ' + text.slice(0, 30));
            }
            return out;
        }""",
        minimum_rem,
    )


def cut_numbers(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Number cells of the visible page whose text is cut (ellipsis): a score of 100.00 must show whole."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.s-page.active td.num')).filter((td) => {
            if (!td.getClientRects().length) return false;
            const range = document.createRange();
            range.selectNodeContents(td);
            const style = getComputedStyle(td);
            const room = td.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
            return range.getBoundingClientRect().width > room + 0.5;
        }).map((td) => td.textContent.trim())"""
    )


def clashing_trend_labels(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Points of the grade trend where two lines lie close (under a tenth of the highest count) and print
    their value labels on the same side: the labels would overlap."""
    return page.evaluate(
        """() => {
            const chart = window.echarts.getInstanceByDom(document.getElementById('c-trend-grades'));
            const series = chart.getOption().series;
            const value = (d) => (d !== null && typeof d === 'object' ? d.value : d);
            const side = (s, d) =>
                (d && d.label && d.label.position) || (s.label && s.label.position) || 'top';
            const top = Math.max(1, ...series.flatMap((s) => s.data.map(value)));
            const out = [];
            series.forEach((a, i) => series.forEach((b, j) => {
                if (j <= i) return;
                a.data.forEach((d, k) => {
                    const e = b.data[k];
                    if (Math.abs(value(d) - value(e)) < top / 10 && side(a, d) === side(b, e))
                        out.push(a.name + '/' + b.name + ' #' + k + ': ' + side(a, d));
                });
            }));
            return out;
        }"""
    )


def period_labels_shown(page, chart_id: str) -> bool:  # type: ignore[no-untyped-def]
    """Does every period on the chart's axis keep its label (none dropped for lack of room)?"""
    return page.evaluate(
        """(id) => {
            const axis = window.echarts.getInstanceByDom(document.getElementById(id)).getOption().xAxis[0];
            return axis.axisLabel.interval === 0 && axis.data.length > 0;
        }""",
        chart_id,
    )
