//! The inbox's table and functions: their names (checked, quoted), their SQL, and a setup that
//! any number of instances may run at once.

use sqlx::postgres::PgPool;

use super::InboxError;

/// PostgreSQL's identifier limit: longer names are silently truncated, so two long names could
/// name one object. Refused instead.
const MAX_IDENTIFIER: usize = 63;

/// Every name the inbox uses, derived from its table's, each quoted for SQL (so names that are
/// keywords, `order` or `user`, work).
#[derive(Debug, Clone)]
pub(super) struct Names {
    /// The table as the user wrote it (`inbox` or `events.inbox`): the advisory locks' prefix.
    pub(super) plain: String,
    pub(super) table: String,
    pub(super) claim: String,
    /// The claim that raises for a duplicate, for [`super::PgInbox::claim_with_begin`].
    pub(super) claim_or_raise: String,
    pub(super) done: String,
    /// The index's own name (an index lives in its table's schema, so unqualified).
    index: String,
    /// The index's name qualified, to look it up.
    index_qualified: String,
    /// The schema-qualified function names as `to_regprocedure` reads them.
    claim_signature: String,
    claim_or_raise_signature: String,
    done_signature: String,
    /// The claim function of earlier versions, `{table}_claim(text)`, which setup removes.
    old_claim_signature: String,
}

fn plain_identifier(part: &str) -> bool {
    part.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && part
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn quoted(part: &str) -> String {
    format!("\"{part}\"")
}

impl Names {
    /// The names for table `name`: a plain lower-case identifier (`[a-z_][a-z0-9_]*`),
    /// optionally schema-qualified, short enough that the derived names (`{table}_claim`,
    /// `{table}_claim_or_raise`, `{table}_done`, `{schema}_{table}_done_at`) fit PostgreSQL's
    /// 63 bytes.
    pub(super) fn new(name: &str) -> Result<Self, InboxError> {
        let refuse = || InboxError::TableName(name.to_owned());
        let parts: Vec<&str> = name.split('.').collect();
        let (schema, table) = match parts.as_slice() {
            [table] => (None, *table),
            [schema, table] => (Some(*schema), *table),
            _ => return Err(refuse()),
        };
        if !parts.iter().all(|part| plain_identifier(part)) {
            return Err(refuse());
        }
        let index = format!("{}_done_at", name.replace('.', "_"));
        let longest = [
            table.len() + "_claim_or_raise".len(),
            table.len() + "_done".len(),
            index.len(),
            schema.map_or(0, str::len),
        ];
        if longest.iter().any(|&len| len > MAX_IDENTIFIER) {
            return Err(refuse());
        }
        let qualify = |object: &str| match schema {
            Some(schema) => format!("{}.{}", quoted(schema), quoted(object)),
            None => quoted(object),
        };
        Ok(Self {
            plain: name.to_owned(),
            table: qualify(table),
            claim: qualify(&format!("{table}_claim")),
            claim_or_raise: qualify(&format!("{table}_claim_or_raise")),
            done: qualify(&format!("{table}_done")),
            index_qualified: qualify(&index),
            index: quoted(&index),
            claim_signature: format!(
                "{}(text, double precision)",
                qualify(&format!("{table}_claim"))
            ),
            claim_or_raise_signature: format!(
                "{}(text, double precision)",
                qualify(&format!("{table}_claim_or_raise"))
            ),
            done_signature: format!("{}(text)", qualify(&format!("{table}_done"))),
            old_claim_signature: format!("{}(text)", qualify(&format!("{table}_claim"))),
        })
    }

    fn table_sql(&self) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    key text PRIMARY KEY,\n    done_at timestamptz NOT NULL DEFAULT now()\n);",
            self.table
        )
    }

    fn index_sql(&self) -> String {
        format!(
            "CREATE INDEX IF NOT EXISTS {} ON {} USING brin (done_at);",
            self.index, self.table
        )
    }

    /// The claim's body: the key's advisory lock taken without waiting (`busy` when another
    /// transaction holds it), then its done mark inserted (`fresh`), unless one is there that
    /// still counts (`done`); a mark older than `reuse_after` seconds is taken over. It answers
    /// a status rather than raising, so duplicates leave no `ERROR` in the server's log.
    fn claim_body(&self) -> String {
        let (plain, table) = (&self.plain, &self.table);
        format!(
            "
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtextextended('{plain}:' || claimed, 0)) THEN
        RETURN 'busy';
    END IF;
    INSERT INTO {table} AS mark (key) VALUES (claimed)
        ON CONFLICT (key) DO UPDATE SET done_at = now()
        WHERE mark.done_at < now() - make_interval(secs => reuse_after);
    IF FOUND THEN
        PERFORM set_config('gcp_events.claimed', claimed, true);
        RETURN 'fresh';
    END IF;
    RETURN 'done';
END
"
        )
    }

    /// The check sent with `COMMIT`: it fails unless this transaction is still the delivery's
    /// and not aborted: the claim, after inserting the mark, set a transaction-local marker
    /// holding the key (without a key, the marker is set when the transaction begins), which a
    /// `COMMIT` or `ROLLBACK` ends. A handler that swallowed a failed statement, or ran `COMMIT`
    /// or `ROLLBACK` itself, makes it fail, so the delivery is never acknowledged for a commit
    /// that kept nothing. (A marker, not a look-up of the mark: it costs nothing whatever the
    /// table's size, and no cached plan can turn it into a scan.)
    fn done_body(&self) -> String {
        format!(
            "
BEGIN
    IF claimed IS NULL THEN
        IF current_setting('gcp_events.unclaimed', true) IS DISTINCT FROM 'on' THEN
            RAISE EXCEPTION 'gcp-events: not the delivery''s transaction' USING ERRCODE = '{NOT_THE_DELIVERY}';
        END IF;
    ELSIF current_setting('gcp_events.claimed', true) IS DISTINCT FROM claimed THEN
        RAISE EXCEPTION 'gcp-events: not the delivery''s transaction' USING ERRCODE = '{NOT_THE_DELIVERY}';
    END IF;
END
"
        )
    }

    /// The claim as one statement that can travel with `BEGIN`: a duplicate raises
    /// (SQLSTATE `GE200` done, `GE409` in progress) instead of answering a status.
    fn claim_or_raise_body(&self) -> String {
        let claim = &self.claim;
        format!(
            "
DECLARE
    status text := {claim}(claimed, reuse_after);
BEGIN
    IF status = 'busy' THEN
        RAISE EXCEPTION 'gcp-events: delivery in progress' USING ERRCODE = '{IN_PROGRESS}';
    ELSIF status = 'done' THEN
        RAISE EXCEPTION 'gcp-events: delivery done' USING ERRCODE = '{DONE}';
    END IF;
END
"
        )
    }

    fn claim_or_raise_sql(&self) -> String {
        format!(
            "CREATE OR REPLACE FUNCTION {}(claimed text, reuse_after double precision) RETURNS void LANGUAGE plpgsql AS $claim${}$claim$;",
            self.claim_or_raise,
            self.claim_or_raise_body()
        )
    }

    fn claim_sql(&self) -> String {
        format!(
            "CREATE OR REPLACE FUNCTION {}(claimed text, reuse_after double precision) RETURNS text LANGUAGE plpgsql AS $claim${}$claim$;",
            self.claim,
            self.claim_body()
        )
    }

    fn done_sql(&self) -> String {
        format!(
            "CREATE OR REPLACE FUNCTION {}(claimed text) RETURNS void LANGUAGE plpgsql AS $done${}$done$;",
            self.done,
            self.done_body()
        )
    }

    /// Everything, as one script (for the user's migrations).
    pub(super) fn schema_sql(&self) -> String {
        [
            self.table_sql(),
            self.index_sql(),
            self.claim_sql(),
            self.claim_or_raise_sql(),
            self.done_sql(),
        ]
        .join("\n")
    }
}

/// The SQLSTATE of the commit check's refusal.
pub(super) const NOT_THE_DELIVERY: &str = "GE422";
/// The SQLSTATEs of the raising claim: in progress, and done.
pub(super) const IN_PROGRESS: &str = "GE409";
pub(super) const DONE: &str = "GE200";

/// Makes what is missing, in one transaction serialized by an advisory lock on the table's
/// name: concurrent setups (ten instances starting at once) wait for each other instead of
/// colliding in the catalogue. Each object is made only when missing and each function replaced
/// only when its body differs, so a setup on a ready database changes nothing (and logs no
/// notices).
pub(super) async fn setup(pool: &PgPool, names: &Names) -> Result<(), InboxError> {
    let mut tx = pool.begin().await.map_err(InboxError::database)?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind(format!("gcp-events setup:{}", names.plain))
        .execute(&mut *tx)
        .await
        .map_err(InboxError::database)?;
    let mut statements = Vec::new();
    if !exists(&mut tx, "to_regclass", &names.table).await? {
        statements.push(names.table_sql());
    }
    if !exists(&mut tx, "to_regclass", &names.index_qualified).await? {
        statements.push(names.index_sql());
    }
    if exists(&mut tx, "to_regprocedure", &names.old_claim_signature).await? {
        statements.push(format!("DROP FUNCTION {};", names.old_claim_signature));
    }
    let functions = [
        (
            &names.claim_signature,
            names.claim_body(),
            names.claim_sql(),
        ),
        (
            &names.claim_or_raise_signature,
            names.claim_or_raise_body(),
            names.claim_or_raise_sql(),
        ),
        (&names.done_signature, names.done_body(), names.done_sql()),
    ];
    for (signature, body, sql) in functions {
        let source: Option<String> =
            sqlx::query_scalar("SELECT prosrc FROM pg_proc WHERE oid = to_regprocedure($1)")
                .bind(signature)
                .fetch_optional(&mut *tx)
                .await
                .map_err(InboxError::database)?;
        if source.as_deref() != Some(body.as_str()) {
            statements.push(sql);
        }
    }
    if !statements.is_empty() {
        let script = statements.join("\n");
        sqlx::Executor::execute(&mut *tx, script.as_str())
            .await
            .map_err(InboxError::database)?;
    }
    tx.commit().await.map_err(InboxError::database)
}

/// Whether `lookup` (`to_regclass`, `to_regprocedure`) finds `object`.
async fn exists(
    conn: &mut sqlx::PgConnection,
    lookup: &str,
    object: &str,
) -> Result<bool, InboxError> {
    sqlx::query_scalar(&format!("SELECT {lookup}($1) IS NOT NULL"))
        .bind(object)
        .fetch_one(conn)
        .await
        .map_err(InboxError::database)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_quoted() {
        let names = Names::new("order").expect("a keyword is fine, quoted");
        assert_eq!(names.table, "\"order\"");
        assert_eq!(names.claim, "\"order_claim\"");
        let names = Names::new("events.user").expect("qualified");
        assert_eq!(names.table, "\"events\".\"user\"");
        assert_eq!(names.index, "\"events_user_done_at\"");
        for bad in ["", "Inbox", "x; drop", "a.b.c", "1x", "x-y", ".x", "x."] {
            assert!(Names::new(bad).is_err(), "{bad}");
        }
        // The longest table whose derived names fit, and one byte more.
        assert!(Names::new(&"t".repeat(48)).is_ok());
        assert!(Names::new(&"t".repeat(49)).is_err());
        assert!(Names::new(&format!("s.{}", "t".repeat(48))).is_ok());
        assert!(Names::new(&format!("s.{}", "t".repeat(49))).is_err());
    }
}
