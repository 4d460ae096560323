-- v_events: every stored event with its human labels and region name.
SELECT
    e.event_id,
    e.source,
    e.source_event_id,
    e.event_date,
    e.date_precision,
    e.country_iso3,
    c.name AS country,
    e.admin1_code,
    coalesce(r.admin1, e.admin1) AS admin1,
    e.admin2,
    e.location,
    e.latitude,
    e.longitude,
    e.geo_precision,
    e.event_type,
    t.event_type_label,
    e.sub_event_type,
    t.sub_event_type_label,
    e.actor1,
    e.actor2,
    e.fatalities,
    e.injured,
    e.munitions,
    e.weapon,
    e.source_count,
    e.notes,
    e.article_id,
    e.confidence,
    e.ingested_at
FROM events AS e
LEFT JOIN countries AS c ON c.country_iso3 = e.country_iso3
LEFT JOIN regions AS r ON r.admin1_code = e.admin1_code
LEFT JOIN event_types AS t ON t.sub_event_type = e.sub_event_type
