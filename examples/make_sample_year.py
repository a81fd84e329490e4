#!/usr/bin/env python3
"""Build ``examples/2022/``: a complete fictional 2022 year, made by driving the ssj CLI.

Everything in the sample goes through the same commands a clerk would run, with fixed
seeds and ``--today`` dates, so the workspace is consistent by construction and
``ssj verify`` passes on it:

- the plan and both registries, copied from the repository root (``plans/``, ``data/``);
- draws for every task: coal twice (March and September, each 100%), hazchem drawn,
  voided (the witness was absent) and drawn twice more, industry and coalwash once;
- results of every code (未发现问题, 责令整改, 立案查处, 移交, 移送司法机关, 未生产经营),
  one by one with ``ssj record`` and, for one round, as a batch with ``ssj record --from``
  (``examples/2022/results/hazchem-r2.csv``); one result corrected before publication;
- publications with ``ssj publish``: on time, except industry's, which is late; coalwash's
  checks end in late December and are published in January 2023;
- the annual report, ``report-2022.html`` and ``report-2022.md``, as of 2023-01-31.

The year is built in a scratch folder beside the target and moved into place only when
every step has succeeded. An existing ``examples/2022/draws/`` is never touched unless
``--force`` is given; then the whole sample is rebuilt from scratch.

Usage (from anywhere)::

    python examples/make_sample_year.py [--force]
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # ssj_runner beside this script, however it is started
from ssj_runner import REPO, Runner  # noqa: E402

DEST = REPO / "examples" / "2022"
REPORT_DAY = "2023-01-31"


class Year(Runner):
    """The example's own steps, each one ssj command."""

    def draw(self, task: str, seed: str, day: str) -> list[str]:
        rec = json.loads(self.ssj("draw", "--task", task, "--seed", seed, "--today", day, "--json"))
        print(f"摇号 {task} 第 {rec['round']} 轮（{day}）：抽中 {len(rec['picks'])} 家")
        return [p["entity"] for p in rec["picks"]]

    def record(self, task: str, number: int, entity: str, day: str, result: str, measures: str = "", note: str = "") -> None:
        self.ssj("record", "--task", task, "--round", str(number), "--entity", entity, "--date", day,
                 "--result", result, "--measures", measures, "--note", note, "--today", day)

    def publish(self, task: str, number: int, day: str) -> None:
        ev = json.loads(self.ssj("publish", "--task", task, "--round", str(number), "--date", day, "--today", day,
                                 "--year", "2022", "--format", "csv,html", "--json"))
        print(f"公示 {task} 第 {number} 轮（{day}，截止 {ev['due']}）：{'按期' if ev['on_time'] else '逾期'}")


def build(work: Path) -> None:
    shutil.copytree(REPO / "plans", work / "plans", ignore=shutil.ignore_patterns("*.lock"))
    shutil.copytree(REPO / "data", work / "data")
    (work / "draws").mkdir()
    y = Year(work)
    y.ssj("check")

    # 煤矿 first round: one result of nearly every kind.
    coal1 = y.draw("coal", "2022-03-15 见证人掷骰 4-1-6-3", "2022-03-15")
    coal1_results = [
        ("2022-03-28", "no_problem", "", ""),
        ("2022-03-29", "rectify", "责令限期整改，2022-04-15 复查合格", ""),
        ("2022-03-30", "penalty", "立案查处，罚款人民币 3 万元", "案号 长应急罚〔2022〕示例 1 号"),
        ("2022-03-31", "no_problem", "", ""),
        ("2022-04-01", "not_operating", "", "停产整顿，未生产"),
        ("2022-04-01", "no_problem", "", ""),
    ]
    for entity, (day, result, measures, note) in zip(coal1, coal1_results):
        y.record("coal", 1, entity, day, result, measures, note)
    y.publish("coal", 1, "2022-04-07")

    # 危化: the first draw is voided, then two rounds in April-June.
    y.draw("hazchem", "2022-04-06 见证人掷骰 3-5-2-6", "2022-04-06")
    y.ssj("void", "--task", "hazchem", "--round", "1", "--reason", "摇号时见证人未到场，经法规科审核作废，择日重新摇号",
          "--today", "2022-04-06")
    print("作废 hazchem 第 1 轮")
    haz2 = y.draw("hazchem", "2022-04-08 见证人掷骰 6-2-4-1", "2022-04-08")
    batch = work / "results" / "hazchem-r2.csv"
    batch.parent.mkdir()
    plan_rows = [
        ("2022-05-09", "未发现问题", "", ""),
        ("2022-05-10", "发现问题，责令整改", "责令限期整改储罐区安全警示标识", ""),
        ("2022-05-11", "未发现问题", "", ""),
        ("2022-05-12", "移交有权监管部门", "移交县市场监督管理局处理", "涉嫌无证经营，不属本部门职责"),
        ("2022-05-13", "未发现问题", "", ""),
        ("2022-05-16", "未发现问题", "", ""),
        ("2022-05-17", "发现问题，责令整改", "责令限期整改特种作业人员持证问题", ""),
        ("2022-05-19", "未发现问题", "", ""),
        ("2022-05-20", "未发现问题", "", ""),
    ]
    with batch.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["统一社会信用代码", "检查日期", "检查结果", "处理措施", "备注"])
        for entity, row in zip(haz2, plan_rows):
            w.writerow([entity, *row])
    y.ssj("record", "--task", "hazchem", "--round", "2", "--from", str(batch), "--today", "2022-05-20")
    print(f"批量登记 hazchem 第 2 轮：{len(haz2)} 户（{batch.relative_to(work).as_posix()}）")
    y.publish("hazchem", 2, "2022-05-25")
    haz3 = y.draw("hazchem", "2022-06-01 见证人掷骰 2-2-5-4", "2022-06-01")
    haz3_days = ["2022-06-06", "2022-06-07", "2022-06-08", "2022-06-09", "2022-06-10", "2022-06-13", "2022-06-14",
                 "2022-06-15", "2022-06-16"]
    for i, (entity, day) in enumerate(zip(haz3, haz3_days)):
        if i == 4:
            y.record("hazchem", 3, entity, day, "penalty", "立案查处，责令停产停业整顿", "未按规定进行重大危险源备案")
        elif i == 7:
            y.record("hazchem", 3, entity, day, "rectify", "责令限期整改")
        else:
            y.record("hazchem", 3, entity, day, "no_problem")
    y.publish("hazchem", 3, "2022-06-24")

    # 冶金工贸: one round, one case handed to the judicial organs, published late.
    ind = y.draw("industry", "2022-07-05 见证人掷骰 5-5-1-3", "2022-07-05")
    ind_results = [
        ("2022-07-18", "no_problem", "", ""),
        ("2022-07-20", "rectify", "责令限期整改粉尘防爆措施", ""),
        ("2022-07-25", "judicial", "移送县公安局", "涉嫌重大责任事故"),
        ("2022-08-03", "no_problem", "", ""),
        ("2022-08-15", "no_problem", "", ""),
        ("2022-08-26", "no_problem", "", ""),
    ]
    for entity, (day, result, measures, note) in zip(ind, ind_results):
        y.record("industry", 1, entity, day, result, measures, note)
    y.publish("industry", 1, "2022-09-20")

    # 煤矿 second round (100% again: a new cycle); one result corrected before publication.
    coal2 = y.draw("coal", "2022-09-01 见证人掷骰 1-6-3-3", "2022-09-01")
    coal2_days = ["2022-09-13", "2022-09-15", "2022-09-19", "2022-09-21", "2022-09-23", "2022-09-27"]
    for entity, day in zip(coal2, coal2_days):
        y.record("coal", 2, entity, day, "no_problem")
    y.record("coal", 2, coal2[2], "2022-09-30", "rectify", "复查发现瓦斯监控系统故障，责令限期整改", "更正 9 月 19 日的登记")
    print("更正 coal 第 2 轮 1 户的检查结果")
    y.publish("coal", 2, "2022-10-12")

    # 洗（储）煤: checks end in late December, published in January 2023.
    wash = y.draw("coalwash", "2022-10-10 见证人掷骰 4-4-2-6", "2022-10-10")
    wash_results = [
        ("2022-11-07", "no_problem", "", ""),
        ("2022-11-22", "rectify", "责令限期整改煤场防尘设施", ""),
        ("2022-12-09", "no_problem", "", ""),
        ("2022-12-23", "no_problem", "", ""),
    ]
    for entity, (day, result, measures, note) in zip(wash, wash_results):
        y.record("coalwash", 1, entity, day, result, measures, note)
    y.publish("coalwash", 1, "2023-01-04")

    y.finish(REPORT_DAY)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成示例工作区 examples/2022：通过 ssj 命令完成一整年的摇号、登记、公示和年度报告。")
    parser.add_argument("--force", action="store_true", help="examples/2022 已有摇号时删除整个示例并从头重建")
    args = parser.parse_args(argv)
    draws = DEST / "draws"
    if draws.exists() and any(draws.iterdir()) and not args.force:
        sys.stderr.write(f"{DEST.relative_to(REPO).as_posix()}/draws/ 中已有摇号，未做任何改动。\n"
                         "  提示：如需从头重建示例年度，请加 --force（将删除整个 examples/2022 后重新生成）\n")
        return 2
    work = DEST.with_name(".2022.building")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    try:
        build(work)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if DEST.exists():
        shutil.rmtree(DEST)
    work.rename(DEST)
    print(f"已生成 {DEST.relative_to(REPO).as_posix()}/：ssj --root examples/2022 report --year 2022 --today {REPORT_DAY}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
