"""A kind file is checked when it loads: what is wrong is refused with a message naming it."""

from __future__ import annotations

import pytest

from liangping.kinds.spec import KindConfigError, KindSpec, load_spec, shipped_kinds

GOOD = """
code = "toy"
name = "示例事项"
version = 1
initial = "new"
[register]
effects = ["start_clock"]
[parties]
dispatcher = ["role:supervisor"]
[[states]]
code = "new"
label = "新登记"
clock = "run"
[[states]]
code = "done"
label = "已办结"
open = false
[[transitions]]
action = "finish"
label = "办结"
from = ["new"]
to = "done"
by = ["dispatcher"]
[[categories]]
code = "road"
label = "道路"
[[categories]]
code = "pothole"
label = "坑洼"
parent = "road"
[[limits]]
category = "road"
finish = { workdays = 3 }
[[fields]]
code = "phone"
label = "电话"
type = "phone"
"""


def test_shipped_kinds_load_and_round_trip():
    codes = set()
    for path in shipped_kinds():
        spec = load_spec(path)
        assert KindSpec.from_json(spec.to_json()) == spec
        codes.add(spec.code)
    assert {"project_problem", "appeal"} <= codes


def test_a_good_file_loads():
    spec = load_spec(GOOD)
    assert spec.category_chain("pothole") == ["pothole", "road"]
    assert spec.state_label("done") == "已办结" and spec.open_states() == ["new"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            (
                '[[states]]\ncode = "done"',
                '[[states]]\ncode = "lost"\nlabel = "孤立"\n[[states]]\ncode = "done"',
            ),
            "状态 孤立（lost） 无法从初始状态到达",
        ),
        (('to = "done"', 'to = "gone"'), "流转“finish”：状态“gone”不存在"),
        (('[[limits]]\ncategory = "road"', '[[limits]]\ncategory = "pothole"'), "分类“道路”没有时限"),
        (('by = ["dispatcher"]', 'by = ["boss"]'), "未知的办理方“boss”"),
        (('type = "phone"', 'type = "telephone"'), "字段“phone”：类型“telephone”不认识"),
        (('initial = "new"', 'initial = "old"'), "初始状态“old”不在 states 中"),
        (("finish = { workdays = 3 }", "finish = { weeks = 3 }"), "时限单位“weeks”不认识"),
        (('label = "办结"', 'label = "办结"\ncolour = "red"'), "不认识的配置项 colour"),
        (('parent = "road"', 'parent = "street"'), "上级分类“street”不存在"),
    ],
)
def test_bad_files_are_refused_naming_the_problem(change, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(KindConfigError, match=message):
        load_spec(GOOD.replace(old, new, 1))


def test_a_limit_covers_children_through_their_parent():
    # pothole has no limit of its own: its parent's counts; without the parent's, it is refused.
    assert load_spec(GOOD).limits[0].category == "road"
    with pytest.raises(KindConfigError, match="没有时限"):
        load_spec(GOOD.replace('category = "road"\nfinish', 'category = "pothole"\nfinish'))


def test_not_toml_is_refused():
    with pytest.raises(KindConfigError, match="配置文件格式有误"):
        load_spec("code = ")
