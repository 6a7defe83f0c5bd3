/**
 * FerretDB v1 on PostgreSQL stores each document as `_jsonb` and turns an equality filter into
 * `(_jsonb -> 'field') @> '<value>'` (containment, so that a value also matches an array holding
 * it, as in MongoDB). The indexes it creates for createIndex are btree indexes on
 * `(_jsonb -> 'field')`, which containment cannot use: every lookup, even by `_id`, was a
 * sequential scan of the whole table, and each request cost more as the data grew.
 *
 * This event trigger gives each such index a GIN twin (jsonb_path_ops, which serves `@>`) on
 * the index's first expression, so equality lookups become index scans. It lives in the dev
 * PostgreSQL cluster only: FerretDB is not changed, and a real MongoDB reads its own indexes.
 * A twin that cannot be built is skipped with a warning and never fails FerretDB's createIndex.
 */
export const GIN_TWIN_SQL = `
CREATE OR REPLACE FUNCTION kyc_gin_twin() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
  cmd record;
  expr text;
  tbl text;
BEGIN
  FOR cmd IN SELECT * FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' AND object_type = 'index' LOOP
    -- FerretDB's btree indexes only, never the twins this function creates.
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.oid = cmd.objid AND a.amname = 'btree');
    SELECT pg_get_indexdef(cmd.objid, 1, false), i.indrelid::regclass::text INTO expr, tbl FROM pg_index i WHERE i.indexrelid = cmd.objid;
    CONTINUE WHEN expr IS NULL OR expr NOT LIKE '%_jsonb -> %';
    BEGIN
      EXECUTE format('CREATE INDEX %I ON %s USING gin ((%s) jsonb_path_ops)', left((SELECT relname FROM pg_class WHERE oid = cmd.objid), 59) || '_gin', tbl, expr);
    EXCEPTION WHEN OTHERS THEN
      RAISE WARNING 'no GIN twin for %: %', cmd.object_identity, SQLERRM;
    END;
  END LOOP;
END $$;
CREATE EVENT TRIGGER kyc_gin_twin ON ddl_command_end WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION kyc_gin_twin();
`;
