"""The exchange rates page (admins): the workspace's rates a currency at a time, which amounts have
no rate yet (the check a money KPI is refused by, Engine.rate_gaps), a rate set or replaced by hand,
a hand-set rate removed, and a rates file imported (the ECB's history or currency,date,rate), all
through pulso.rates, as `pulso rates` does."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import RedirectResponse, Response

from pulso import audit, rates
from pulso import formatting as f
from pulso.errors import ValidationError
from pulso.web.deps import Ctx, csrf_binding
from pulso.web.pages import cell, page_route, render, table
from pulso.web.uploads import display_name

router = APIRouter()
PAGE = 50  # rates a page
MAX_FILE = 32 << 20  # the ECB's whole history is about 2 MB unpacked
GAP_DAYS = 10  # days without a rate listed per currency


def _check(ctx, csrf_token: str) -> None:
    ctx.require("rates")
    ctx.request.app.state.sessions.check_csrf(csrf_binding(ctx.request, ctx.user), csrf_token)


def _audit(ctx, action: str, detail: dict[str, Any]) -> None:
    ip = ctx.request.client.host if ctx.request.client else None
    ctx.services.run(lambda: audit.record(ctx.services.store, action, actor=audit.Actor("user", ctx.user.id),
                                          target=("exchange_rates", None), detail=detail, ip=ip))


def _page_number(ctx) -> int:
    try:
        return max(1, min(100_000, int(ctx.request.query_params.get("page", "1"))))
    except ValueError:
        return 1


def _rates_page(ctx, currency: str = "", error: str = "", notice: str = "", details: list[str] | None = None) -> Response:
    store = ctx.services.store
    reporting, held, missing = ctx.services.run(ctx.services.engine.rate_gaps)
    stored = ctx.services.run(rates.currencies, store)
    codes = sorted({*held, *(c["currency"] for c in stored)} - {reporting})
    currency = currency if currency in codes else (stored[0]["currency"] if stored else "")
    page = _page_number(ctx)
    listed = ctx.services.run(lambda: rates.list_rates(store, currency, newest_first=True, limit=PAGE + 1,
                                                       offset=(page - 1) * PAGE)) if currency else []
    gaps: dict[str, list[dt.date]] = {}
    for code, day in missing:
        gaps.setdefault(code, []).append(day)
    day = (lambda d: cell(f.fmt_date(d, ctx.lang), sort=d.isoformat()))
    gap_rows = [[cell(code), cell(f.fmt_number(len(days), ctx.lang), sort=len(days)), day(days[0]), day(days[-1]),
                 cell(", ".join(f.fmt_date(d, ctx.lang) for d in days[:GAP_DAYS]) + (" …" if len(days) > GAP_DAYS else ""))]
                for code, days in sorted(gaps.items())]
    stored_rows = [[cell(c["currency"], href="/admin/rates?" + urlencode({"currency": c["currency"]})),
                    cell(f.fmt_number(c["rates"], ctx.lang), sort=c["rates"]), day(c["first"]), day(c["last"])]
                   for c in stored]
    there = "/admin/rates?" + urlencode({"currency": currency})
    data = {
        "title": ctx._("Tipos de cambio"), "reporting": reporting, "currencies": codes, "currency": currency,
        "error": error, "notice": notice, "details": details or [], "today": ctx.today.isoformat(),
        "missing": [{"currency": code, "days": len(days), "first": days[0].isoformat(), "last": days[-1].isoformat()}
                    for code, days in sorted(gaps.items())],
        "rates": [{"currency": r["currency"], "date": r["rate_date"].isoformat(), "rate": _text(r["rate"]),
                   "date_text": f.fmt_date(r["rate_date"], ctx.lang), "rate_text": f.fmt_exact(r["rate"], ctx.lang),
                   "source": r["source"] or "", "manual": r["source"] == "manual"} for r in listed[:PAGE]],
        "page_number": page,
        "prev": f"{there}&page={page - 1}" if page > 1 else None,
        "next": f"{there}&page={page + 1}" if len(listed) > PAGE else None,
        "sections": [
            table(ctx._("Importes sin tipo de cambio"), [(ctx._("Moneda"), False), (ctx._("Días"), True),
                                                          (ctx._("Primero"), False), (ctx._("Último"), False),
                                                          (ctx._("Días sin tipo"), False)], gap_rows,
                  empty=ctx._("Todos los importes tienen tipo de cambio."),
                  note=ctx._("Un tipo vale desde su fecha hasta el siguiente de su moneda: basta uno en el primer "
                             "día de cada moneda, o antes.") if gap_rows else ""),
            table(ctx._("Tipos guardados"), [(ctx._("Moneda"), False), (ctx._("Tipos"), True), (ctx._("Desde"), False),
                                             (ctx._("Hasta"), False)], stored_rows,
                  empty=ctx._("Todavía no hay tipos de cambio.")),
        ],
    }
    return render(ctx, "rates", data, template="admin_rates.html")


def _text(rate: Decimal | float) -> str:
    text = f"{Decimal(str(rate)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@page_route(router, "/admin/rates", "rates")
def rates_page(ctx: Ctx) -> Response:
    """Exchange rates into the reporting currency: stored, missing, set by hand, imported."""
    ctx.require("rates")
    return _rates_page(ctx, ctx.request.query_params.get("currency", "").upper())


@router.post("/admin/rates", include_in_schema=False)
def rates_set(ctx: Ctx, currency: Annotated[str, Form()] = "", date: Annotated[str, Form()] = "",
              rate: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    """Set (or replace) the rate of a currency from a day on, by hand."""
    _check(ctx, csrf_token)
    reporting, held, _ = ctx.services.run(ctx.services.engine.rate_gaps)
    stored = {c["currency"] for c in ctx.services.run(rates.currencies, ctx.services.store)}
    code = currency.strip().upper()
    if code not in ({*held, *stored} - {reporting}):
        return _rates_page(ctx, error=ctx._("Elige una moneda de la lista (las de los datos y las que ya tienen tipos)."))
    try:
        day = dt.date.fromisoformat(date.strip())
    except ValueError:
        return _rates_page(ctx, code, error=ctx._("La fecha debe ser AAAA-MM-DD."))
    try:
        value = Decimal(rate.strip().replace(",", "."))
    except InvalidOperation:
        value = Decimal(0)
    if not value.is_finite() or value <= 0 or value.adjusted() > 12:
        return _rates_page(ctx, code, error=ctx._("El tipo debe ser un número mayor que 0 (unidades de {currency} "
                                                  "por 1 {reporting}).").format(currency=code, reporting=reporting))
    ctx.services.run(rates.set_rate, ctx.services.store, code, day, str(value))
    _audit(ctx, "rates.set", {"currency": code, "date": day.isoformat(), "rate": str(value)})
    return RedirectResponse("/admin/rates?" + urlencode({"currency": code}), status_code=303)


@router.post("/admin/rates/delete", include_in_schema=False)
def rates_delete(ctx: Ctx, currency: Annotated[str, Form()] = "", date: Annotated[str, Form()] = "",
                 csrf_token: Annotated[str, Form()] = "") -> Response:
    """Remove a rate set by hand."""
    _check(ctx, csrf_token)
    code = currency.strip().upper()
    try:
        day = dt.date.fromisoformat(date.strip())
        ctx.services.run(rates.delete_rate, ctx.services.store, code, day)
    except (ValueError, ValidationError):
        return _rates_page(ctx, code, error=ctx._("No hay ningún tipo puesto a mano de {currency} el {date}; no se ha "
                                                  "borrado nada.").format(currency=code[:3], date=date[:10]))
    _audit(ctx, "rates.delete", {"currency": code, "date": day.isoformat()})
    return RedirectResponse("/admin/rates?" + urlencode({"currency": code}), status_code=303)


@router.post("/admin/rates/upload", include_in_schema=False)
def rates_upload(ctx: Ctx, file: Annotated[UploadFile, File()], csrf_token: Annotated[str, Form()] = "") -> Response:
    """Import a rates file (the ECB's eurofxref-hist.csv or .zip, or currency,date,rate), all or nothing."""
    _check(ctx, csrf_token)
    name = display_name(file.filename)
    data = file.file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        return _rates_page(ctx, error=ctx._("{file} pesa más de {mb} MB; impórtalo con `pulso rates import`.").format(
            file=name, mb=MAX_FILE >> 20))
    with tempfile.TemporaryDirectory(prefix="pulso-rates-") as folder:  # private (0700), removed at once
        path = Path(folder) / name
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600), "wb") as out:
            out.write(data)
        try:
            result = ctx.services.run(rates.import_file, ctx.services.store, path)
        except ValidationError as exc:
            return _rates_page(ctx, error=ctx._("{file} no se ha importado; no se ha guardado nada:").format(file=name),
                               details=rates.refusal_lines(exc, ctx.lang))
    _audit(ctx, "rates.import", {"file": name, "format": result.format, "written": result.written})
    per = ", ".join(f"{c} {f.fmt_number(n, ctx.lang)}" for c, n in sorted(result.currencies.items()))
    return _rates_page(ctx, error="", notice=ctx._("{file}: {count} tipos guardados en {reporting} ({currencies}).").format(
        file=name, count=f.fmt_number(result.written, ctx.lang), reporting=result.reporting, currencies=per or "—"),
        details=result.skipped)
