-- 009_apostrophes: region names keep their apostrophes together. norm_name turned every
-- punctuation mark into a space, so "Kharkivs'ka oblast" became "kharkivs ka oblast" and
-- matched nothing; apostrophes and the marks used for them (' ’ ‘ ʼ ʻ ʹ ʾ ʿ ` ´) are now
-- deleted first. admin_key also drops the Chinese administrative words Sheng (province),
-- Zizhiqu (autonomous region) and Shi (municipality): "Guangdong Sheng" -> "guangdong".
-- Same names and signatures as in 001. The alias keys in region_aliases were computed with
-- the old macro: forgetting the reference fingerprint makes db.migrate re-seed them right
-- after the migrations run.
CREATE OR REPLACE MACRO norm_name(x) AS
    trim(regexp_replace(lower(strip_accents(regexp_replace(trim(x), '[''’‘ʼʻʹʾʿ`´]', '', 'g'))),
                        '[^a-z0-9]+', ' ', 'g'));

CREATE OR REPLACE MACRO admin_key(x) AS
    trim(regexp_replace(norm_name(x),
        '\s+(oblast|oblasts|region|province|governorate|krai|kray|okrug|prefecture|department|county|district|state|raion|sheng|zizhiqu|shi)$', ''));

DELETE FROM meta WHERE key = 'reference_fingerprint';
