#!/usr/bin/env python3
"""Build the draws and reports of ``examples/joint/``: a fictional 2022 joint check (部门联合抽查), made by driving the ssj CLI.

The inputs (``examples/joint/plans/2022.yaml``, ``data/entities.csv``, ``data/inspectors.csv``)
are written by hand; everything else goes through the commands the clerks of three
departments would run, with fixed seeds and ``--today`` dates:

- ``hazchem`` (应急管理局 alone): drawn from the bureau's own inspectors, recorded, published;
- ``joint-hazchem``, led by 长子县应急管理局 with 长子县市场监督管理局 and 长子县消防救援大队:
  the firms drawn once, each department's inspectors drawn from its own people; one
  inspector of the fire brigade replaced (递补) within the brigade; results recorded per
  department (the lead by default, 市场监管 with ``--department scjg`` and one correction,
  消防 as a batch file with a ``department`` column, ``results/joint-hazchem-r1-xf.csv``);
  one 联合抽查结果公示 published after the last department's check;
- ``fire`` (消防救援大队 alone): drawn from the brigade's inspectors, recorded, published;
- the annual report, ``report-2022.html`` and ``report-2022.md``, as of 2022-12-31.

The year is built in a scratch folder beside the target; only when every step has succeeded
are ``examples/joint/draws/``, ``results/`` and the reports replaced. Existing draws are never
touched unless ``--force`` is given.

Usage (from anywhere)::

    python examples/make_joint_year.py [--force]
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

DEST = REPO / "examples" / "joint"
REPORT_DAY = "2022-12-31"
JOINT = "joint-hazchem"
BUILT = ("draws", "results", "report-2022.html", "report-2022.md")  # what the script makes; plans/ and data/ are its inputs


class Year(Runner):
    """The example's own steps, each one ssj command."""

    def draw(self, task: str, seed: str, day: str) -> dict:
        rec = json.loads(self.ssj("draw", "--task", task, "--seed", seed, "--today", day, "--json"))
        print(f"摇号 {task} 第 {rec['round']} 轮（{day}）：抽中 {len(rec['picks'])} 家")
        return rec

    def record(self, task: str, entity: str, day: str, result: str, *extra: str) -> None:
        self.ssj("record", "--task", task, "--round", "1", "--entity", entity, "--date", day, "--result", result,
                 "--today", day, *extra)

    def publish(self, task: str, day: str) -> None:
        ev = json.loads(self.ssj("publish", "--task", task, "--round", "1", "--date", day, "--today", day,
                                 "--year", "2022", "--format", "csv,html", "--json"))
        print(f"公示 {task} 第 1 轮（{day}，检查结束 {ev['check_end']}，截止 {ev['due']}）：{'按期' if ev['on_time'] else '逾期'}")


def team(rec: dict, pick: dict, code: str) -> list[str]:
    """A department's part of a joint pick's team (the record's departments, in order, each its quota long)."""
    at = 0
    for d in rec["departments"]:
        if d["code"] == code:
            return pick["inspectors"][at:at + d["inspectors_per_check"]]
        at += d["inspectors_per_check"]
    raise KeyError(code)


def build(work: Path) -> None:
    shutil.copytree(DEST / "plans", work / "plans", ignore=shutil.ignore_patterns("*.lock"))
    shutil.copytree(DEST / "data", work / "data")
    (work / "draws").mkdir()
    y = Year(work)
    y.ssj("check")

    # 应急管理局 alone: its own inspectors only.
    haz = y.draw("hazchem", "2022-04-06 见证人掷骰 5-3-1-4", "2022-04-06")
    for n, p in enumerate(haz["picks"]):
        day = f"2022-04-{11 + n:02d}"
        if n == 2:
            y.record("hazchem", p["entity"], day, "rectify", "--measures", "责令限期整改储罐区防雷检测")
        else:
            y.record("hazchem", p["entity"], day, "no_problem")
    y.publish("hazchem", "2022-04-26")

    # The joint task: firms drawn once, each department's inspectors from its own people.
    joint = y.draw(JOINT, "2022-05-06 三部门见证人掷骰 2-6-4-1", "2022-05-06")
    picks = joint["picks"]
    first = picks[0]
    y.ssj("replace", "--task", JOINT, "--round", "1", "--entity", first["entity"], "--inspector", team(joint, first, "xf")[0],
          "--reason", "回避", "--note", "与该企业负责人系近亲属", "--today", "2022-05-09")
    print(f"递补 {JOINT} 第 1 轮 {first['name']} 的消防救援大队执法人员（在本部门内递补）")
    lead = [("no_problem", ""), ("rectify", "责令限期整改危险化学品储存场所安全警示标识"), ("no_problem", ""), ("no_problem", "")]
    market = [("no_problem", ""), ("no_problem", ""), ("rectify", "责令限期改正经营台账"), ("no_problem", "")]
    for n, p in enumerate(picks):
        day = f"2022-05-{16 + n:02d}"  # the departments enter the firm together
        code, measures = lead[n % len(lead)]
        y.record(JOINT, p["entity"], day, code, *(("--measures", measures) if measures else ()))
        code, measures = market[n % len(market)]
        y.record(JOINT, p["entity"], day, code, "--department", "scjg", *(("--measures", measures) if measures else ()))
    y.record(JOINT, picks[1]["entity"], "2022-05-17", "penalty", "--department", "scjg", "--measures", "立案查处无证经营",
             "--note", "更正 5 月 17 日的登记")
    print(f"更正 {JOINT} 第 1 轮 1 户市场监督管理局的检查结果")
    batch = work / "results" / f"{JOINT}-r1-xf.csv"
    batch.parent.mkdir()
    with batch.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["统一社会信用代码", "检查日期", "检查结果", "处理措施", "部门"])
        for n, p in enumerate(picks):
            found = n == len(picks) - 1
            w.writerow([p["entity"], f"2022-05-{16 + n:02d}" if not found else "2022-05-24",
                        "发现问题，责令整改" if found else "未发现问题", "责令限期整改消防通道堵塞" if found else "", "xf"])
    y.ssj("record", "--task", JOINT, "--round", "1", "--from", str(batch), "--today", "2022-05-24")
    print(f"批量登记 {JOINT} 第 1 轮消防救援大队的结果：{len(picks)} 户（{batch.relative_to(work).as_posix()}）")
    y.publish(JOINT, "2022-05-30")

    # 消防救援大队 alone: the brigade's inspectors only.
    fire = y.draw("fire", "2022-06-06 见证人掷骰 1-1-5-2", "2022-06-06")
    for n, p in enumerate(fire["picks"]):
        y.record("fire", p["entity"], f"2022-06-{13 + n:02d}", "no_problem")
    y.publish("fire", "2022-06-24")

    y.finish(REPORT_DAY)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成部门联合抽查示例 examples/joint：通过 ssj 命令完成摇号、分部门登记、联合公示和年度报告。")
    parser.add_argument("--force", action="store_true", help="examples/joint/draws 已有摇号时删除生成的部分并从头重建")
    args = parser.parse_args(argv)
    draws = DEST / "draws"
    if draws.exists() and any(draws.iterdir()) and not args.force:
        sys.stderr.write(f"{DEST.relative_to(REPO).as_posix()}/draws/ 中已有摇号，未做任何改动。\n"
                         "  提示：如需从头重建，请加 --force（将删除 draws/、results/ 和年度报告后重新生成；plans/、data/ 不动）\n")
        return 2
    work = DEST.with_name(".joint.building")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    try:
        build(work)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    for name in BUILT:
        old = DEST / name
        if old.is_dir():
            shutil.rmtree(old)
        elif old.exists():
            old.unlink()
        (work / name).rename(old)
    shutil.rmtree(work)
    print(f"已生成 {DEST.relative_to(REPO).as_posix()}/：ssj --root examples/joint report --year 2022 --today {REPORT_DAY}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
