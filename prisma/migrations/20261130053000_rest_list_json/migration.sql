-- Functions for REST list pages written as JSON by PostgreSQL (src/services/virtual-key-json.ts, src/db/json-text.ts).

-- The length in nanoseconds of a valid, positive Bifrost reset_duration, else NULL: the order of an owner's budgets
-- (shortest window first, invalid last) where REST list pages are built as JSON in SQL
-- (src/services/virtual-key-json.ts). Same grammar and arithmetic as parseNs in src/lib/duration.ts: the aliases,
-- one `<n>[.<frac>]<d|w|M|Q|Y>` term, or Go terms with ns/us/µs/μs/ms/s/m/h; fraction digits past the 30th
-- ignored and the remainder truncated to whole ns; more than int64 nanoseconds is invalid.
CREATE FUNCTION "duration_ns"(d text) RETURNS numeric LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  s text := CASE d WHEN 'daily' THEN '1d' WHEN 'weekly' THEN '1w' WHEN 'monthly' THEN '1M' WHEN 'yearly' THEN '1Y' ELSE d END;
  m text[];
  unit numeric;
  frac text;
  total numeric := 0;
  first boolean := true;
BEGIN
  -- A negative duration is never a positive window.
  IF left(s, 1) = '-' THEN RETURN NULL; END IF;
  IF left(s, 1) = '+' THEN s := substr(s, 2); END IF;
  WHILE s <> '' LOOP
    m := regexp_match(s, '^([0-9]*)(?:\.([0-9]*))?([^0-9.]*)');
    unit := CASE m[3]
      WHEN 'ns' THEN 1 WHEN 'us' THEN 1000 WHEN 'µs' THEN 1000 WHEN 'μs' THEN 1000 WHEN 'ms' THEN 1000000
      WHEN 's' THEN 1000000000 WHEN 'm' THEN 60000000000 WHEN 'h' THEN 3600000000000
      WHEN 'd' THEN 86400000000000 WHEN 'w' THEN 604800000000000 WHEN 'M' THEN 2592000000000000
      WHEN 'Q' THEN 7776000000000000 WHEN 'Y' THEN 31536000000000000 END;
    IF unit IS NULL OR (m[1] = '' AND coalesce(m[2], '') = '') THEN RETURN NULL; END IF;
    s := substr(s, length(m[1]) + coalesce(length(m[2]) + 1, 0) + length(m[3]) + 1);
    -- Day-based units only as the whole duration.
    IF m[3] IN ('d', 'w', 'M', 'Q', 'Y') AND NOT (first AND s = '') THEN RETURN NULL; END IF;
    frac := left(coalesce(m[2], ''), 30);
    total := total + coalesce(nullif(m[1], '')::numeric, 0) * unit
      + CASE WHEN frac = '' THEN 0 ELSE floor(frac::numeric * unit / (10::numeric ^ length(frac))) END;
    IF total > 9223372036854775807 THEN RETURN NULL; END IF;
    first := false;
  END LOOP;
  RETURN CASE WHEN total > 0 THEN total END;
END $$;

-- A double as JavaScript's JSON.stringify writes it (src/db/json-text.ts inlines the common case, 1e-6 ≤ |v| < 2^53,
-- and calls this for the rest). PostgreSQL's float8 output has the same shortest round-trip digits in exponent form
-- below 1e-4 and from 1e15; JavaScript uses it below 1e-6 and from 1e21, without the exponent's leading zero.
-- From 2^53 on a rounding boundary can be a short integer: JavaScript takes it, PostgreSQL does not, so one digit
-- fewer is tried. NaN and ±Infinity are null.
CREATE FUNCTION "json_double"(v float8) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  digits numeric;
  shorter numeric;
  mantissa text;
BEGIN
  IF v IN ('NaN', 'Infinity', '-Infinity') THEN RETURN 'null'; END IF;
  IF v = 0 OR abs(v) >= 1e-6 AND abs(v) < 9007199254740992 THEN RETURN v::text::numeric::text; END IF;
  IF abs(v) < 1e-6 THEN RETURN regexp_replace(v::text, 'e([-+])0', 'e\1'); END IF;
  digits := v::text::numeric;
  shorter := round(digits, length(rtrim(abs(digits)::text, '0')) - 1 - length(abs(digits)::text));
  -- (the largest double's digits may round beyond the float8 range)
  IF abs(shorter) <= 1.7976931348623157e308 THEN
    IF shorter::float8 = v THEN digits := shorter; END IF;
  END IF;
  IF abs(v) < 1e21 THEN RETURN digits::text; END IF;
  mantissa := rtrim(abs(digits)::text, '0');
  RETURN concat(CASE WHEN v < 0 THEN '-' END, left(mantissa, 1), '.' || nullif(substr(mantissa, 2), ''), 'e+', length(abs(digits)::text) - 1);
END $$;
