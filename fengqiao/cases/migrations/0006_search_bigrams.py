"""Keyword search (关键词) on PostgreSQL: a GIN index over the character bigrams of each case's
number, title, description and address, so that ``?q=漏水`` reads the matching cases instead of
scanning every case in scope. No trigram index serves two-character Chinese words, which are
most search terms; see ``cases.search`` and docs/decisions.md. SQLite: nothing to create.

The texts live in a side table, ``cases_search_text`` (case id and the upper-cased text), kept
by triggers on ``cases_case``. An index on the cases table itself, tried first, took a new set
of bigram entries (one per character of the texts) on every update PostgreSQL cannot make in
place, which is every lifecycle action and every change of the deadline sweep: +2.5 ms an
update for messages of 400 characters. The write trigger fires on an insert and on an update
that changes one of the four texts. There is no foreign key, so that Django's TRUNCATE of the
cases table (between tests) needs no CASCADE; a TRUNCATE trigger empties the side table with it.
Everything is built inside the migration's transaction; writes to cases wait meanwhile.
"""

from django.db import migrations

# The function is declared COST 1000 (SQL functions default to 100), near what it costs a row
# (10-20 microseconds), so that the planner reads bigrams from the index rather than computing
# them for each row it walks. Duplicates are left in the array: GIN removes them itself.
#
# The SQL is written out here, not imported, so that this migration stays as it ran.
# ``cases.search`` queries the table with the index's expression, ``fengqiao_bigrams(doc)``;
# ``test_search.py`` asks PostgreSQL's planner whether it uses the index.
BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION fengqiao_bigrams(doc text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
    SELECT ARRAY(SELECT substr(doc, i, 2) FROM generate_series(1, char_length(doc) - 1) AS i)
$$
"""
SIDE_TABLE = """
CREATE TABLE cases_search_text (case_id bigint PRIMARY KEY, doc text NOT NULL);
INSERT INTO cases_search_text (case_id, doc)
    SELECT id, upper(number || ' ' || title || ' ' || description || ' ' || address)
    FROM cases_case;
CREATE INDEX case_search_bigrams_idx ON cases_search_text USING gin (fengqiao_bigrams(doc));
"""
TRIGGERS = """
CREATE FUNCTION fengqiao_search_text_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cases_search_text (case_id, doc)
    VALUES (NEW.id, upper(NEW.number || ' ' || NEW.title || ' ' || NEW.description || ' '
                          || NEW.address))
    ON CONFLICT (case_id) DO UPDATE SET doc = EXCLUDED.doc;
    RETURN NULL;
END $$;
CREATE FUNCTION fengqiao_search_text_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM cases_search_text WHERE case_id = OLD.id;
    RETURN NULL;
END $$;
CREATE FUNCTION fengqiao_search_text_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE cases_search_text;
    RETURN NULL;
END $$;
CREATE TRIGGER case_search_text_insert AFTER INSERT ON cases_case
    FOR EACH ROW EXECUTE FUNCTION fengqiao_search_text_write();
CREATE TRIGGER case_search_text_update AFTER UPDATE OF number, title, description, address
    ON cases_case FOR EACH ROW
    WHEN (OLD.number IS DISTINCT FROM NEW.number OR OLD.title IS DISTINCT FROM NEW.title
          OR OLD.description IS DISTINCT FROM NEW.description
          OR OLD.address IS DISTINCT FROM NEW.address)
    EXECUTE FUNCTION fengqiao_search_text_write();
CREATE TRIGGER case_search_text_delete AFTER DELETE ON cases_case
    FOR EACH ROW EXECUTE FUNCTION fengqiao_search_text_delete();
CREATE TRIGGER case_search_text_truncate AFTER TRUNCATE ON cases_case
    FOR EACH STATEMENT EXECUTE FUNCTION fengqiao_search_text_truncate();
"""
DROP = """
DROP TRIGGER case_search_text_insert ON cases_case;
DROP TRIGGER case_search_text_update ON cases_case;
DROP TRIGGER case_search_text_delete ON cases_case;
DROP TRIGGER case_search_text_truncate ON cases_case;
DROP FUNCTION fengqiao_search_text_write();
DROP FUNCTION fengqiao_search_text_delete();
DROP FUNCTION fengqiao_search_text_truncate();
DROP TABLE cases_search_text;
DROP FUNCTION fengqiao_bigrams(text);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BIGRAMS_FUNCTION)
        schema_editor.execute(SIDE_TABLE)
        schema_editor.execute(TRIGGERS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_measure_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
