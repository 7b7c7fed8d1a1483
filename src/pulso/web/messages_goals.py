"""English for the Spanish strings of this feature's pages (merged into messages.EN)."""

from __future__ import annotations

EN: dict[str, str] = {
    # navigation and titles
    "Objetivos": "Goals", "Alertas": "Alerts", "Informes": "Reports",
    # goals, quotas, OKRs
    "Objetivos sobre indicadores": "Goals on KPIs", "Objetivo": "Goal", "Alcance": "Scope", "Línea base": "Baseline",
    "Meta": "Target", "Valor": "Value", "Progreso": "Progress", "Esperado a hoy": "Expected by today",
    "Previsión": "Forecast", "Plazo": "Deadline", "Estado": "Status", "Quitar": "Remove",
    "Aún no hay objetivos. Un indicador sin objetivo es una métrica general, no un KPI.":
        "No goals yet. A metric without a goal is a general metric, not a KPI.",
    "Métricas generales (sin objetivo)": "General metrics (no goal)", "Nuevo objetivo": "New goal",
    "Indicador": "Indicator", "Inicio": "Start", "Solo un valor": "One value only", "Nombre": "Name",
    "Guardar": "Save", "Cuotas": "Quotas", "Comercial": "Sales rep", "Cumplimiento": "Attainment",
    "Ingresos": "Revenue", "Cuota": "Quota", "Sin cuotas en este periodo.": "No quotas in this period.",
    "Comercial o equipo": "Rep or team", "Periodo": "Period", "Importe": "Amount", "a mano": "by hand",
    "Registrar avance": "Check in", "Sin OKR en este trimestre.": "No OKRs this quarter.", "Trimestre": "Quarter",
    "Resultados clave (uno por línea: título|indicador|inicio|meta)":
        "Key results (one per line: title|indicator|start|target)",
    # alerts
    "Bandeja de alertas": "Alert inbox", "Desglose por": "Breakdown by", "Marcar como vista": "Acknowledge",
    "Posponer": "Snooze", "No hay alertas abiertas.": "No open alerts.", "Reglas": "Rules", "Tipo": "Kind",
    "Parámetros": "Parameters", "Canal": "Channel", "Sin reglas.": "No rules.",
    "Destinatarios o URL": "Recipients or URL", "Vistas o pospuestas": "Acknowledged or snoozed",
    "Solo un administrador puede indicar la URL de un webhook; deja el campo vacío para usar el "
    "webhook del espacio de trabajo.":
        "Only an administrator may give a webhook URL; leave the field empty to use the workspace's webhook.",
    "Destinatarios (un webhook usa el del espacio de trabajo)": "Recipients (a webhook uses the workspace's)",
    "Alertas más recientes": "Newer alerts", "Alertas anteriores": "Older alerts",
    "alertas abiertas": "open alerts",
    # reports
    "Descargar un informe": "Download a report", "Formato": "Format", "Descargar": "Download",
    "Envíos programados": "Scheduled e-mails", "Frecuencia": "Frequency", "Destinatarios": "Recipients",
    "Último enviado": "Last sent", "Sin envíos programados.": "No scheduled e-mails.", "Semana": "Week",
    "Mes": "Month", "Idioma": "Language", "Descargar la tabla": "Download the table",
    "Sin objetivos.": "No goals.", "métrica general": "general metric", "Alerta": "Alert", "Por qué": "Why",
}
