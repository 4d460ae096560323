-- staged_events: type and validate canonical events from the staging relation `stg` (column
-- _line and one VARCHAR per canonical input column, tidied, NULL where empty or where the file
-- lacks it; ingest.create_stg builds it) and `stg_admin1_names` (stg_admin1_names.sql, or empty
-- for an importer that resolved its admin1 names itself).
-- One row out per row in; reject_reason is NULL for rows that may load. `_extra` (a STRUCT of
-- an importer's typed extra `events` columns, or NULL) passes through untouched. DuckDB-only.
WITH s AS (
    SELECT
        _line,
        event_id                             AS event_id_in,
        source                               AS source_in,
        source_event_id,
        event_date                           AS event_date_raw,
        parse_iso_date(event_date)           AS event_date,
        date_precision                       AS date_precision_raw,
        parse_count(date_precision)          AS date_precision,
        upper(country_iso3)                  AS country_in,
        upper(admin1_code)                   AS admin1_code_in,
        admin1                               AS admin1_in,
        admin2,
        location,
        latitude                             AS latitude_raw,
        try_cast(latitude AS DOUBLE)         AS latitude,
        longitude                            AS longitude_raw,
        try_cast(longitude AS DOUBLE)        AS longitude,
        geo_precision                        AS geo_precision_raw,
        parse_count(geo_precision)           AS geo_precision,
        lower(event_type)                    AS event_type_in,
        lower(sub_event_type)                AS sub_event_type_in,
        actor1,
        actor2,
        fatalities                           AS fatalities_raw,
        parse_count(fatalities)              AS fatalities,
        fatalities_low                       AS fatalities_low_raw,
        parse_count(fatalities_low)          AS fatalities_low,
        fatalities_high                      AS fatalities_high_raw,
        parse_count(fatalities_high)         AS fatalities_high,
        injured                              AS injured_raw,
        parse_count(injured)                 AS injured,
        munitions                            AS munitions_raw,
        parse_count(munitions)               AS munitions,
        weapon,
        source_count                         AS source_count_raw,
        parse_count(source_count)            AS source_count,
        notes,
        article_id,
        confidence                           AS confidence_raw,
        try_cast(confidence AS DOUBLE)       AS confidence,
        extractor_version,
        _extra
    FROM stg
),
type_keys AS (
    SELECT DISTINCT event_type AS key, event_type FROM event_types
    UNION
    SELECT DISTINCT lower(event_type_label), event_type FROM event_types
),
sub_keys AS (
    SELECT sub_event_type AS key, sub_event_type, event_type FROM event_types
    UNION
    SELECT lower(sub_event_type_label), sub_event_type, event_type FROM event_types
),
j AS (
    SELECT
        s.*,
        tk.event_type                                        AS et,
        sk.sub_event_type                                    AS st,
        sk.event_type                                        AS st_parent,
        rc.admin1_code                                       AS code_known,
        rc.country_iso3                                      AS code_country,
        rc.admin1                                            AS code_name,
        c.country_iso3                                       AS country_known,
        nm.name_code,
        coalesce(s.source_in,
                 CASE WHEN contains(s.event_id_in, ':') THEN split_part(s.event_id_in, ':', 1) END)
                                                             AS source
    FROM s
    LEFT JOIN type_keys AS tk ON tk.key = s.event_type_in
    LEFT JOIN sub_keys AS sk ON sk.key = s.sub_event_type_in
    LEFT JOIN regions AS rc ON rc.admin1_code = s.admin1_code_in
    LEFT JOIN countries AS c ON c.country_iso3 = coalesce(s.country_in, rc.country_iso3)
    LEFT JOIN stg_admin1_names AS nm
        ON nm.country = coalesce(s.country_in, rc.country_iso3) AND nm.admin1_in = s.admin1_in
),
checked AS (
    SELECT
        j.*,
        CASE
            WHEN event_date_raw IS NULL THEN 'missing required field: event_date'
            WHEN event_date IS NULL THEN 'unparseable event_date: ' || event_date_raw
            WHEN event_type_in IS NULL AND sub_event_type_in IS NULL
                THEN 'missing required field: event_type'
            WHEN event_type_in IS NOT NULL AND et IS NULL THEN 'unknown event_type: ' || event_type_in
            WHEN sub_event_type_in IS NOT NULL AND st IS NULL
                THEN 'unknown sub_event_type: ' || sub_event_type_in
            WHEN et IS NOT NULL AND st IS NOT NULL AND et <> st_parent
                THEN 'sub_event_type ' || st || ' belongs to ' || st_parent || ', not ' || et
            WHEN country_in IS NULL AND admin1_code_in IS NULL
                THEN 'missing required field: country_iso3'
            WHEN admin1_code_in IS NOT NULL AND code_known IS NULL
                THEN 'unknown admin1_code (ISO 3166-2 expected): ' || admin1_code_in
            WHEN country_known IS NULL THEN 'unknown country_iso3 (ISO 3166-1 alpha-3 expected): ' || country_in
            WHEN code_known IS NOT NULL AND country_in IS NOT NULL AND code_country <> country_in
                THEN 'admin1_code ' || admin1_code_in || ' is not in ' || country_in
            WHEN source IS NULL THEN 'missing required field: source (or an event_id like source:id)'
            WHEN date_precision_raw IS NOT NULL AND coalesce(date_precision NOT BETWEEN 1 AND 3, true)
                THEN 'date_precision must be 1 (day), 2 (week) or 3 (month): ' || date_precision_raw
            WHEN geo_precision_raw IS NOT NULL AND coalesce(geo_precision > 127, true)
                THEN 'geo_precision must be a whole number from 0 to 127 (1 the place, 2 near it, 3 the region): '
                     || geo_precision_raw
            WHEN latitude_raw IS NOT NULL AND coalesce(abs(latitude) > 90, true)
                THEN 'latitude must be a number in [-90, 90]: ' || latitude_raw
            WHEN longitude_raw IS NOT NULL AND coalesce(abs(longitude) > 180, true)
                THEN 'longitude must be a number in [-180, 180]: ' || longitude_raw
            WHEN fatalities_raw IS NOT NULL AND fatalities IS NULL
                THEN 'fatalities must be a whole number from 0 to 2147483647: ' || fatalities_raw
            WHEN fatalities_low_raw IS NOT NULL AND fatalities_low IS NULL
                THEN 'fatalities_low must be a whole number from 0 to 2147483647: ' || fatalities_low_raw
            WHEN fatalities_high_raw IS NOT NULL AND fatalities_high IS NULL
                THEN 'fatalities_high must be a whole number from 0 to 2147483647: ' || fatalities_high_raw
            WHEN injured_raw IS NOT NULL AND injured IS NULL
                THEN 'injured must be a whole number from 0 to 2147483647: ' || injured_raw
            WHEN munitions_raw IS NOT NULL AND munitions IS NULL
                THEN 'munitions must be a whole number from 0 to 2147483647: ' || munitions_raw
            WHEN source_count_raw IS NOT NULL AND coalesce(source_count < 1, true)
                THEN 'source_count must be a whole number from 1 to 2147483647: ' || source_count_raw
            WHEN confidence_raw IS NOT NULL AND coalesce(confidence NOT BETWEEN 0 AND 1, true)
                THEN 'confidence must be a number in [0, 1]: ' || confidence_raw
        END AS reject_reason
    FROM j
),
-- TRY_CAST: a rejected row's value may not fit (its reason says why); valid ones always do.
typed AS (
    SELECT
        _line,
        reject_reason,
        admin1_in IS NOT NULL AND code_known IS NULL AND name_code IS NULL AS unresolved,
        source,
        source_event_id,
        event_date,
        TRY_CAST(coalesce(date_precision, 1) AS TINYINT)     AS date_precision,
        coalesce(country_in, code_country)                   AS country_iso3,
        coalesce(code_known, name_code)                      AS admin1_code,
        coalesce(admin1_in, code_name)                       AS admin1,
        admin2,
        location,
        latitude,
        longitude,
        TRY_CAST(geo_precision AS TINYINT)                   AS geo_precision,
        coalesce(et, st_parent)                              AS event_type,
        st                                                   AS sub_event_type,
        actor1,
        actor2,
        TRY_CAST(fatalities AS INTEGER)                      AS fatalities,
        TRY_CAST(fatalities_low AS INTEGER)                  AS fatalities_low,
        TRY_CAST(fatalities_high AS INTEGER)                 AS fatalities_high,
        TRY_CAST(injured AS INTEGER)                         AS injured,
        TRY_CAST(munitions AS INTEGER)                       AS munitions,
        weapon,
        TRY_CAST(coalesce(source_count, 1) AS INTEGER)       AS source_count,
        notes,
        article_id,
        confidence,
        extractor_version,
        _extra,
        event_id_in
    FROM checked
)
-- The content hash (events.row_hash) is added by ingest.load_staged (db.row_hash_sql). An
-- event with neither event_id nor source_event_id is named after the md5 of its content, a
-- formula kept from the first release so that those ids never change.
SELECT
    * EXCLUDE (event_id_in),
    coalesce(event_id_in, source || ':' || coalesce(source_event_id, substr(
        md5(concat_ws(chr(31),
                source, coalesce(source_event_id, ''), CAST(event_date AS VARCHAR), CAST(date_precision AS VARCHAR),
                country_iso3, coalesce(admin1_code, ''), coalesce(admin1, ''), coalesce(admin2, ''),
                coalesce(location, ''), coalesce(CAST(latitude AS VARCHAR), ''), coalesce(CAST(longitude AS VARCHAR), ''),
                coalesce(CAST(geo_precision AS VARCHAR), ''), coalesce(event_type, ''), coalesce(sub_event_type, ''),
                coalesce(actor1, ''), coalesce(actor2, ''), coalesce(CAST(fatalities AS VARCHAR), '-'),
                coalesce(CAST(fatalities_low AS VARCHAR), '-'), coalesce(CAST(fatalities_high AS VARCHAR), '-'),
                coalesce(CAST(injured AS VARCHAR), '-'), coalesce(CAST(munitions AS VARCHAR), '-'),
                coalesce(weapon, ''), CAST(source_count AS VARCHAR), coalesce(notes, ''), coalesce(article_id, ''),
                coalesce(CAST(confidence AS VARCHAR), ''), coalesce(extractor_version, '')
            )), 1, 20))) AS event_id
FROM typed
