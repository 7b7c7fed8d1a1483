"""`pulso goals`, `pulso quotas` and `pulso okrs`: targets on KPIs from the shell.

    pulso goals add close_rate --target 30% --scope team:t1 --deadline 2026-12-31
    pulso quotas set --scope rep:u3 --period 2026-10 --amount 50000
    pulso okrs add --title "Crecer en Madrid" --quarter 2026-Q4 --kr "Ingresos|revenue_won|0|300000" --kr "..."

The command line sees the whole company. Errors are one line and exit code 1; nothing is stored.
"""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

from pulso.cli.common import (
    DbOption, FormatOption, LangOption, ScopeOption, TodayOption, as_of, check_format, console, engine_of, given,
    open_workspace, print_json, print_table, texts,
)

goals_app = typer.Typer(help="Goals on KPIs: baseline, SMART check, progress, pace, status, forecast.", no_args_is_help=True)
quotas_app = typer.Typer(help="Quotas per rep or team and month, quarter or year; the leaderboard.", no_args_is_help=True)
okrs_app = typer.Typer(help="OKRs: objectives per quarter with 2 to 5 key results.", no_args_is_help=True)


@goals_app.command("suggest")
def goals_suggest(accept: Annotated[Optional[str], typer.Option("--accept", help="Store the suggested goal of this KPI.")] = None,
                  today: TodayOption = None, lang: LangOption = "es", fmt: FormatOption = "table",
                  db: DbOption = None) -> None:
    """Suggested goals from each headline KPI's last 6 whole months (+5 %), explained; --accept one."""
    from pulso.cli.common import language
    from pulso.goals import suggest

    fmt = check_format(fmt)
    words = language(given(lang))
    with open_workspace(db) as store:
        engine = engine_of(store)
        if accept:
            g = suggest.accept(store, engine, accept.strip(), as_of(today))
            _ = texts(given(lang))
            console.print(_("Meta aceptada: {id}.").format(id=g["id"]))
        found = suggest.suggestions(engine, as_of(today), lang=words)
    if fmt == "json":
        return print_json([{**s, "start": str(s["start"]), "deadline": str(s["deadline"])} for s in found])
    _ = texts(given(lang))
    print_table(_("Metas sugeridas"), ["KPI", _("línea base"), _("meta"), _("plazo"), _("por qué"), _("aceptada")],
                [[s["kpi"], s["baseline_text"], s["target_text"], f"{s['start']} → {s['deadline']}", s["why"],
                  s["goal_id"] or "—"] for s in found])


def _scope_text(kind: str, ident: str | None) -> str:
    """A stored scope as the user writes it (company, team:ID, rep:ID)."""
    from pulso.access import Scope  # late: `pulso --help` need not load the scope rules

    return Scope.stored(kind, ident).text


def _goal_json(state: dict[str, Any]) -> dict[str, Any]:
    g = state["goal"]
    return {**{k: g[k] for k in ("id", "kpi", "scope_kind", "scope_id", "dimension", "dimension_value", "target",
                                 "start_date", "deadline", "name")},
            "label": "KPI", "value": state["value"], "baseline": g["baseline"], "baseline_how": state["baseline_text"],
            "baseline_periods": [[str(p), v] for p, v in state["baseline"].periods],
            "progress": state["progress"], "pace": state["pace"], "status": state["status"],
            "forecast": state["forecast"], "forecast_reaches": state["forecast_reaches"],
            "smart": [{"letter": s.letter, "ok": s.ok, "message": s.message} for s in state["smart"]]}


def _print_goal(state: dict[str, Any], lang: str | None) -> None:
    _ = texts(lang)
    g = state["goal"]
    pct = (lambda v: "—" if v is None else f"{v:.0%}")
    console.print(f"[bold]{g['id']}[/] {g['name'] or g['kpi']} · {g['scope_kind']}{':' + g['scope_id'] if g['scope_id'] else ''}")
    console.print("  " + _("línea base {baseline} ({how}); objetivo {target}; {start} → {deadline}").format(
        baseline=g["baseline"], how=state["baseline_text"], target=g["target"], start=g["start_date"], deadline=g["deadline"] or "—"))
    console.print("  " + _("valor {value}; progreso {progress}, esperado {expected}: [bold]{status}[/]; previsión {forecast}").format(
        value=state["value"], progress=pct(state["progress"]), expected=pct(state["pace"]), status=state["status_text"],
        forecast=state["forecast"]))
    for s in state["smart"]:
        console.print(f"  {s.letter} {'✓' if s.ok else '✗'} {s.message}")


@goals_app.command("add")
def goals_add(
    kpi: Annotated[str, typer.Argument(help="KPI key (pulso kpi list).")],
    target: Annotated[str, typer.Option("--target", help="Target value: 0.3 or 30% for percentages, an amount for totals.")],
    scope: ScopeOption = "company",
    deadline: Annotated[Optional[str], typer.Option("--deadline", help="Deadline (YYYY-MM-DD, excluded).")] = None,
    start: Annotated[Optional[str], typer.Option("--start", help="Start (YYYY-MM-DD); default today.")] = None,
    dimension: Annotated[Optional[str], typer.Option("--dimension", help="Only one value: DIM=VALUE, e.g. source=web.")] = None,
    grain: Annotated[str, typer.Option("--grain", help="week, month or quarter: the periods of baseline and trend.")] = "month",
    baseline_periods: Annotated[int, typer.Option("--baseline-periods", help="Whole periods before the start the baseline averages.")] = 3,
    name: Annotated[Optional[str], typer.Option("--name", help="A name for the goal.")] = None,
    objective: Annotated[Optional[str], typer.Option("--objective", help="OKR objective id the goal serves.")] = None,
    today: TodayOption = None, lang: LangOption = "es", db: DbOption = None,
) -> None:
    """Set a goal on a KPI; prints its baseline and SMART check."""
    from pulso import goals

    with open_workspace(db) as store:
        engine = engine_of(store)
        g = goals.create_goal(store, engine, kpi=kpi, target=target, scope=scope, deadline=deadline, start=start,
                              today=as_of(today), dimension=dimension, grain=grain, baseline_periods=baseline_periods,
                              name=name, objective_id=objective)
        _print_goal(goals.evaluate(engine, g, as_of(today), lang), given(lang))


@goals_app.command("list")
def goals_list(scope: Annotated[Optional[str], typer.Option("--scope", help="Only this scope.")] = None,
               today: TodayOption = None, lang: LangOption = "es", fmt: FormatOption = "table", db: DbOption = None) -> None:
    """Goals with their progress and status."""
    from pulso import goals

    fmt = check_format(fmt, given(lang))
    with open_workspace(db) as store:
        engine = engine_of(store)
        states = [goals.evaluate(engine, g, as_of(today), lang)
                  for g in goals.goals(store, scope=goals.parse_scope(scope) if scope else None)]
    if fmt == "json":
        return print_json([_goal_json(s) for s in states])
    _ = texts(given(lang))
    pct = (lambda v: "—" if v is None else f"{v:.0%}")
    print_table(_("Objetivos"), ["id", "KPI", _("ámbito"), _("objetivo"), _("valor"), _("progreso"), _("esperado"), _("estado"),
                                 _("fecha límite")],
                [[s["goal"]["id"], s["goal"]["kpi"], _scope_text(s["goal"]["scope_kind"], s["goal"]["scope_id"]),
                  s["goal"]["target"], s["value"], pct(s["progress"]), pct(s["pace"]), s["status_text"], s["goal"]["deadline"]]
                 for s in states])


@goals_app.command("show")
def goals_show(goal_id: str, today: TodayOption = None, lang: LangOption = "es", fmt: FormatOption = "table",
               db: DbOption = None) -> None:
    """One goal in full: baseline and how, progress, pace, status, forecast, SMART letters."""
    from pulso import goals

    fmt = check_format(fmt, given(lang))
    with open_workspace(db) as store:
        state = goals.evaluate(engine_of(store), goals.goal(store, goal_id), as_of(today), lang)
    print_json(_goal_json(state)) if fmt == "json" else _print_goal(state, given(lang))


@goals_app.command("remove")
def goals_remove(goal_id: str, db: DbOption = None) -> None:
    """Delete a goal."""
    from pulso import goals

    with open_workspace(db) as store:
        goals.delete_goal(store, goal_id)
    _ = texts()
    console.print(_("{id} eliminado.").format(id=goal_id))


@goals_app.command("metrics")
def goals_metrics(lang: LangOption = "es", db: DbOption = None) -> None:
    """Every catalog metric labelled KPI (it has a goal) or general metric (it has none)."""
    from pulso.catalog import load_catalog
    from pulso.goals import label, tracked_kpis

    with open_workspace(db) as store:
        tracked = tracked_kpis(store)
    _ = texts(given(lang))
    print_table(_("Métricas"), [_("clave"), _("nombre"), _("etiqueta")], [[k.key, k.name[lang], label(k.key, tracked, lang)] for k in load_catalog()])


# -- quotas --------------------------------------------------------------------------------

@quotas_app.command("set")
def quotas_set(scope: Annotated[str, typer.Option("--scope", help="rep:ID or team:ID.")],
               period: Annotated[str, typer.Option("--period", help="2026-10, 2026-Q4 or 2026 (quarters and years of the fiscal year).")],
               amount: Annotated[str, typer.Option("--amount", help="Revenue to win in the period.")],
               currency: Annotated[Optional[str], typer.Option("--currency", help="ISO code; default the workspace's.")] = None,
               db: DbOption = None) -> None:
    """Enter (or replace) a quota."""
    from pulso.goals import set_quota

    with open_workspace(db) as store:
        q = set_quota(store, scope=scope, period=period, amount=amount, currency=currency)
    _ = texts()
    console.print(_("Cuota {id}: {amount} {currency} del {start} al {end}.").format(
        id=q["id"], amount=f"{q['amount']:g}", currency=q["currency"], start=q["period_start"], end=q["period_end"]))


@quotas_app.command("list")
def quotas_list(period: Annotated[Optional[str], typer.Option("--period", help="Only quotas overlapping it.")] = None,
                db: DbOption = None) -> None:
    """Quotas, by period."""
    from pulso.goals import quotas

    with open_workspace(db) as store:
        rows = quotas(store, period=period)
    _ = texts()
    print_table(_("Cuotas"), ["id", _("comercial"), _("equipo"), _("desde"), _("hasta"), _("importe"), _("moneda")],
                [[q["id"], q["owner_id"], q["team_id"], q["period_start"], q["period_end"], float(q["amount"]), q["currency"]]
                 for q in rows])


@quotas_app.command("leaderboard")
def quotas_leaderboard(period: Annotated[str, typer.Option("--period", help="2026-10, 2026-Q4 or 2026 (quarters and years of the fiscal year).")],
                       scope: ScopeOption = "company", db: DbOption = None) -> None:
    """Reps by quota attainment."""
    from pulso.goals import leaderboard, parse_scope
    from pulso.goals.scopes import check_scope

    with open_workspace(db) as store:
        rows = leaderboard(engine_of(store), period=period, scope=check_scope(store, parse_scope(scope)))
    _ = texts()
    print_table(_("Cumplimiento de cuota {period}").format(period=period), ["#", _("comercial"), _("cumplimiento"), _("ingresos"), _("cuota")],
                [[r["rank"], r["owner"], "—" if r["attainment"] is None else f"{r['attainment']:.0%}", r["revenue"], r["quota"]]
                 for r in rows])


# -- OKRs ----------------------------------------------------------------------------------

@okrs_app.command("add")
def okrs_add(title: Annotated[str, typer.Option("--title", help="The objective.")],
             quarter: Annotated[str, typer.Option("--quarter", help="2026-Q4 (a quarter of the fiscal year, named by the year it starts in).")],
             kr: Annotated[list[str], typer.Option("--kr", help="TITLE|KPI|START|TARGET (KPI empty: updated by hand); 2 to 5.")],
             scope: ScopeOption = "company", db: DbOption = None) -> None:
    """Add an objective with its key results."""
    from pulso.goals import create_objective
    from pulso.goals.okrs import parse_key_result

    krs = [parse_key_result(k) for k in kr]
    with open_workspace(db) as store:
        obj = create_objective(store, engine_of(store), title=title, quarter=quarter, key_results=krs, scope=scope)
    _ = texts()
    console.print(_("Objetivo {id} con resultados clave: {results}.").format(
        id=obj["id"], results=", ".join(k["id"] for k in obj["key_results"])))


@okrs_app.command("list")
def okrs_list(quarter: Annotated[Optional[str], typer.Option("--quarter", help="Only this quarter.")] = None,
              today: TodayOption = None, fmt: FormatOption = "table", db: DbOption = None) -> None:
    """Objectives with their key results' scores and the rollup."""
    from pulso.goals import objectives, scored

    fmt = check_format(fmt)
    with open_workspace(db) as store:
        engine = engine_of(store)
        found = [scored(engine, o, as_of(today)) for o in objectives(store, quarter=quarter)]
    if fmt == "json":
        return print_json(found)
    _ = texts()
    manual = _("manual")
    for o in found:
        console.print(f"[bold]{o['id']}[/] {o['title']} ({o['quarter']}) " + _("puntuación {score}").format(score=f"{o['score']:.2f}"))
        for k in o["key_results"]:
            score = "—" if k["score"] is None else f"{k['score']:.2f}"
            console.print(f"  {k['id']} {k['title']} [{k['kpi'] or manual}] {k['value']} ({k['start_value']:g} → "
                          f"{k['target_value']:g}) {score}")


@okrs_app.command("checkin")
def okrs_checkin(key_result: str, value: Annotated[Optional[str], typer.Argument(help="Value (hand-updated key results).")] = None,
                 note: Annotated[Optional[str], typer.Option("--note")] = None, today: TodayOption = None,
                 db: DbOption = None) -> None:
    """Record a key result's value (a linked one takes its KPI's value now)."""
    from pulso.goals import check_in

    with open_workspace(db) as store:
        entry = check_in(store, engine_of(store), key_result, value, note=note, today=as_of(today))
    _ = texts()
    console.print(_("Registrado {value} (puntuación {score}).").format(value=f"{entry['value']:g}", score=f"{entry['score']:.2f}"))


@okrs_app.command("history")
def okrs_history(key_result: str, db: DbOption = None) -> None:
    """A key result's check-ins."""
    from pulso.goals import check_ins

    with open_workspace(db) as store:
        rows = check_ins(store, key_result)
    _ = texts()
    print_table(_("Registros de avance"), [_("cuándo"), _("valor"), _("puntuación"), _("nota")], [[c["checked_at"], c["value"], f"{c['score']:.2f}", c["note"]] for c in rows])
