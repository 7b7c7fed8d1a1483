"""English for the Spanish strings of this feature's pages (merged into messages.EN)."""

from __future__ import annotations

EN: dict[str, str] = {
    # navigation
    "Importar": "Import", "Duplicados": "Duplicates", "Calidad de datos": "Data quality",
    # import page
    "Importar datos": "Import data", "Subir ficheros": "Upload files",
    "Ficheros (CSV, XLSX, Parquet, JSON lines)": "Files (CSV, XLSX, Parquet, JSON lines)", "detectar": "detect",
    "Vista previa": "Preview", "Codificación": "Encoding", "Separador": "Delimiter", "Formato reconocido": "Recognised format",
    "Correspondencia": "Mapping", "editada aquí": "edited here", "Columna de Pulso": "Pulso column",
    "Columna del fichero": "File column", "Cargar las filas válidas y rechazar el resto": "Load the valid rows and refuse the rest",
    "Probar sin escribir": "Try without writing", "Resultado": "Result", "Filas leídas": "Rows read",
    "Registros escritos": "Records written", "Filas rechazadas": "Rows refused", "Filas omitidas": "Rows skipped",
    "Descargar el informe de errores": "Download the error report", "Fichero": "File", "Ficheros": "Files", "Línea": "Line",
    "Columna": "Column", "Motivo": "Reason", "Importaciones recientes": "Recent imports", "Importación": "Import",
    "Errores": "Errors", "Todavía no hay importaciones.": "No imports yet.",
    "escrita": "committed", "parcial": "partial", "prueba": "dry run", "rechazada": "refused",
    "O un fichero de correspondencia (YAML)": "Or a mapping file (YAML)",
    "Correspondencia desconocida; elige una de la lista o sube un fichero YAML.":
        "Unknown mapping; pick one from the list or upload a YAML file.",
    "No hay ninguna importación con ese identificador.": "There is no import with that id.",
    "Notas": "Notes",
    "Ficheros (CSV, XLSX, Parquet, JSON lines) o la exportación entera en un zip":
        "Files (CSV, XLSX, Parquet, JSON lines) or the whole export as a zip",
    "Se cargarán, en este orden": "To be loaded, in this order",
    "Importar lo mismo, sin volver a subirlo": "Import the same, without uploading it again",
    "Los ficheros subidos ya no están (se guardan 24 horas) o no los subiste tú; súbelos de nuevo.":
        "The uploaded files are gone (uploads are kept 24 hours) or were not uploaded by you; upload them again.",
    "{file}: no lo usa la correspondencia {value}: se omite": "{file}: not used by the mapping {value}: skipped",
    "{file}: se omite: {value} tiene el mismo tipo de registros con más de las columnas que lee la correspondencia":
        "{file}: skipped: {value} holds the same kind of records with more of the columns the mapping reads",
    "{file}: ficheros que no son datos (CSV, XLSX, Parquet, JSON lines) omitidos: {count}, como {value}":
        "{file}: files that are not data (CSV, XLSX, Parquet, JSON lines) skipped: {count}, such as {value}",
    "{total} errores": "{total} errors",
    "{total} errores; el informe lista los primeros {listed}": "{total} errors; the report lists the first {listed}",
    "Columna {column} ausente en {file}: se usó el valor por defecto «{value}» en {count} filas":
        "Column {column} absent in {file}: default '{value}' used for {count} rows",
    "{file}: fechas movidas para cumplir una regla: {count} ({column} era una fecha sin hora del mismo día que "
    "{value}; se tomó la hora de {value})":
        "{file}: dates moved to satisfy a rule: {count} ({column} was a date without time on the same day as "
        "{value}, so it was taken as {value}'s time)",
    "{count} bytes NUL eliminados de {file}": "{count} NUL bytes removed from {file}",
    "{file}: solo tiene la cabecera, ninguna fila: se omite": "{file}: only a header, no rows: skipped",
    "{file}: {column} tomado de {value} en {count} filas (la primera columna estaba vacía)":
        "{file}: {column} taken from {value} for {count} rows (the first column was empty)",
    # duplicates page
    "Buscar duplicados": "Find duplicates", "Decidir": "Decide", "Fusionar": "Merge", "No es duplicado": "Not a duplicate",
    "Nada se fusiona sin tu decisión. Al fusionar, el registro más antiguo se queda con todo lo del duplicado; se puede deshacer.":
        "Nothing is merged without your decision. A merge gives the older record everything of the duplicate; it can be undone.",
    "Probables duplicados": "Probable duplicates", "Probabilidad": "Probability", "Duplicado de": "Duplicate of",
    "No hay duplicados pendientes. Búscalos con el botón o con `pulso dedupe find`.":
        "No duplicates waiting. Find them with the button or with `pulso dedupe find`.",
    "Fusiones": "Merges", "Fusión": "Merge", "Fusionado": "Merged", "Superviviente": "Survivor", "deshecha": "undone",
    "Todavía no hay fusiones.": "No merges yet.", "Deshacer": "Undo",
    # quality page
    "Reglas": "Rules", "Regla": "Rule", "Registros": "Records", "De": "Of", "Parte": "Share",
    "Completitud por campo": "Completeness per field", "Campo": "Field", "Informado": "Filled",
    "La tabla está vacía.": "The table is empty.",
}
