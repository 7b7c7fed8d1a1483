"""Words of an alert's title that agree with the KPI's name in Spanish: "Tasa de cierre anormalmente
baja", "Ingresos nuevos anormalmente bajos" (the name's gender and number: pulso.catalog's
Kpi.agreement). English has one form; each Spanish form is its own msgid with the same English."""

from __future__ import annotations

from pulso.i18n import N_

#: (low, agreement) → title of an anomaly finding.
ANOMALY = {
    (True, "ms"): N_("{kpi} anormalmente bajo en {period}"), (True, "fs"): N_("{kpi} anormalmente baja en {period}"),
    (True, "mp"): N_("{kpi} anormalmente bajos en {period}"), (True, "fp"): N_("{kpi} anormalmente bajas en {period}"),
    (False, "ms"): N_("{kpi} anormalmente alto en {period}"), (False, "fs"): N_("{kpi} anormalmente alta en {period}"),
    (False, "mp"): N_("{kpi} anormalmente altos en {period}"), (False, "fp"): N_("{kpi} anormalmente altas en {period}"),
}
#: (low, agreement) → title of a peers finding.
PEERS = {
    (True, "ms"): N_("{kpi} de {who} anormalmente bajo frente a sus compañeros"),
    (True, "fs"): N_("{kpi} de {who} anormalmente baja frente a sus compañeros"),
    (True, "mp"): N_("{kpi} de {who} anormalmente bajos frente a sus compañeros"),
    (True, "fp"): N_("{kpi} de {who} anormalmente bajas frente a sus compañeros"),
    (False, "ms"): N_("{kpi} de {who} anormalmente alto frente a sus compañeros"),
    (False, "fs"): N_("{kpi} de {who} anormalmente alta frente a sus compañeros"),
    (False, "mp"): N_("{kpi} de {who} anormalmente altos frente a sus compañeros"),
    (False, "fp"): N_("{kpi} de {who} anormalmente altas frente a sus compañeros"),
}

#: (low, agreement) → title of a peers finding as the flagged rep reads it ("Tu tasa … de la de …").
PEERS_OWN = {
    (True, "ms"): N_("Tu {kpi} está por debajo del de tus compañeros"),
    (True, "fs"): N_("Tu {kpi} está por debajo de la de tus compañeros"),
    (True, "mp"): N_("Tus {kpi} están por debajo de los de tus compañeros"),
    (True, "fp"): N_("Tus {kpi} están por debajo de las de tus compañeros"),
    (False, "ms"): N_("Tu {kpi} está por encima del de tus compañeros"),
    (False, "fs"): N_("Tu {kpi} está por encima de la de tus compañeros"),
    (False, "mp"): N_("Tus {kpi} están por encima de los de tus compañeros"),
    (False, "fp"): N_("Tus {kpi} están por encima de las de tus compañeros"),
}


def anomaly_title(meta, low: bool) -> str:
    """The msgid of an anomaly's title, agreeing with the KPI's name."""
    return ANOMALY[low, getattr(meta, "agreement", "ms")]


def peers_title(meta, low: bool) -> str:
    """The msgid of a peers finding's title, agreeing with the KPI's name."""
    return PEERS[low, getattr(meta, "agreement", "ms")]


def peers_own_title(meta, low: bool) -> str:
    """The msgid of a peers finding's title as the flagged rep reads it, agreeing with the KPI's name."""
    return PEERS_OWN[low, getattr(meta, "agreement", "ms")]
