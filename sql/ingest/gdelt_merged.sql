-- gdelt_merged: GDELT 2.0 event rows of the kept CAMEO roots, duplicates merged, with the
-- ISO country and the ADM1 name of each event's place (input to gdelt_staged.sql).
-- Input: `imp_view` (the 61 GDELT 2.0 columns under their lower-case names, all VARCHAR),
-- `imp_roots` (the CAMEO roots to keep), `imp_fips_countries`. Only rows whose
-- EventRootCode is in `imp_roots` are kept (QuadClass is not used: its conventions
-- disagree with the root codes). Rows with the same SQLDATE, ActionGeo_ADM1Code, EventCode
-- and actors (codes and names) become one event: the lowest GLOBALEVENTID names it, its row
-- gives place and actors, source_count counts the rows, NumMentions/NumSources/NumArticles
-- are summed and AvgTone is weighted by NumMentions. The ADM1 name is read from
-- ActionGeo_FullName by geo type ("Kharkiv, Kharkivs'ka Oblast', Ukraine": the middle part;
-- "London, London, City of, United Kingdom": "London, City of").
-- One row out per merged event. DuckDB-only.
WITH v AS (
    SELECT *,
           try_cast(tidy(globaleventid) AS BIGINT) AS gid,
           coalesce(try_cast(nummentions AS BIGINT), 0) AS mentions
    FROM imp_view
    WHERE tidy(eventrootcode) IN (SELECT root FROM imp_roots)
),
merged AS (
    SELECT
        min(_line)                                              AS _line,
        min(gid)                                                AS gid,
        list(gid ORDER BY gid)                                  AS gids,
        count(*)                                                AS n_rows,
        arg_min({
            'sqldate': sqldate, 'eventcode': tidy(eventcode), 'eventbasecode': tidy(eventbasecode),
            'eventrootcode': tidy(eventrootcode), 'quadclass': quadclass,
            'goldsteinscale': goldsteinscale, 'actor1code': actor1code, 'actor1name': actor1name,
            'actor1type1code': actor1type1code, 'actor2code': actor2code, 'actor2name': actor2name,
            'geo_type': tidy(actiongeo_type), 'fullname': actiongeo_fullname,
            'country': tidy(actiongeo_countrycode), 'adm1': tidy(actiongeo_adm1code),
            'adm2': actiongeo_adm2code, 'lat': actiongeo_lat, 'lon': actiongeo_long,
            'dateadded': dateadded
        }, coalesce(gid, 9223372036854775807))                  AS f,
        sum(try_cast(nummentions AS BIGINT))                    AS num_mentions,
        sum(try_cast(numsources AS BIGINT))                     AS num_sources,
        sum(try_cast(numarticles AS BIGINT))                    AS num_articles,
        sum(try_cast(avgtone AS DOUBLE) * mentions) / nullif(sum(mentions), 0) AS avg_tone,
        string_agg(DISTINCT nullif(tidy(sourceurl), ''), ' ' ORDER BY nullif(tidy(sourceurl), '')) AS source_refs
    FROM v
    GROUP BY sqldate, coalesce(actiongeo_adm1code, ''), coalesce(eventcode, ''),
             coalesce(actor1code, ''), coalesce(actor2code, ''),
             coalesce(actor1name, ''), coalesce(actor2name, '')
),
placed AS (
    SELECT
        m.*,
        fc.country_iso3,
        -- no ADM1 for country-level places, or GDELT's "(general)" ADM1 codes (IS00)
        CASE WHEN m.f.geo_type IN ('2', '3', '4', '5') AND length(m.f.adm1) > 2
                  AND NOT m.f.adm1 LIKE '%00' THEN m.f.adm1 END AS adm1
    FROM merged AS m
    LEFT JOIN imp_fips_countries AS fc ON fc.fips = m.f.country
),
named AS (
    SELECT
        p.*,
        -- ADM1 names may hold ", " themselves ("London, City of"), so a city's (types 3, 4:
        -- "City, ADM1, Country") is what lies between the first and the last ", ", and a US
        -- state's (2: "State, Country") all before the last. A world state (5) leads with its
        -- own name ("Kaduna State, Kaduna, Nigeria"; "Uttarakhand, Uttaranchal, India": the
        -- first part resolves where GDELT's older ADM1 label may not).
        CASE WHEN p.adm1 IS NULL THEN NULL
             WHEN p.f.geo_type = '2'
                  THEN coalesce(nullif(regexp_extract(p.f.fullname, '^(.*), ', 1), ''), p.f.fullname)
             WHEN p.f.geo_type = '5' THEN split_part(p.f.fullname, ', ', 1)
             ELSE nullif(regexp_extract(p.f.fullname, '^.*?, (.*), ', 1), '')
        END AS adm1_name
    FROM placed AS p
)
SELECT * FROM named
