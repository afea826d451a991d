"""The screen's published document, written once when a period is published (see fastpath)."""

from __future__ import annotations

from django.db import models


class ScreenDocument(models.Model):
    """The body `/screen/data.json` sends for one published snapshot, with its gzip and brotli forms:
    built once, when the period is published, and read by every server process (and host) after,
    instead of each building its own. `key` names the screen and the snapshot (`scope|ETag`: the
    scope is "" for the screen of the latest publication, a city's code for a city's screen);
    `sha256` is the body's digest, checked when it is read."""

    key = models.CharField(max_length=120, unique=True)
    etag = models.CharField(max_length=80)
    sha256 = models.CharField(max_length=64)
    body = models.BinaryField()
    gzip = models.BinaryField()
    br = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "大屏数据文件"
        verbose_name_plural = "大屏数据文件"

    def __str__(self) -> str:
        return self.key
