package io.emprops.storage.persistence;

import io.emprops.storage.domain.output.DeferredOutputs;
import io.emprops.storage.domain.output.GeneratedOutput;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class JdbcDeferredOutputs implements DeferredOutputs {

  private static final String OUTPUT = """
      job_id = :job AND generation = :generation AND step_id = :step AND output_index = :index""";

  private final JdbcClient jdbc;

  JdbcDeferredOutputs(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void defer(GeneratedOutput output, int attempts, String error, Instant now, Instant nextAttempt,
      Instant giveUpAt) {
    jdbc.sql("""
            INSERT INTO deferred_outputs (job_id, generation, step_id, output_index, user_id, collection_id, url,
                                          mime_type, file_name, completed_at, attempts, last_error, deferred_at,
                                          next_attempt_at, give_up_at)
            VALUES (:job, :generation, :step, :index, :user, :collection, :url, :mimeType, :fileName, :completedAt,
                    :attempts, :error, :now, :nextAttempt, :giveUpAt)
            ON CONFLICT (job_id, generation, step_id, output_index) DO NOTHING""")
        .params(identity(output))
        .param("user", output.userId())
        .param("collection", output.collectionId())
        .param("url", output.url())
        .param("mimeType", output.mimeType())
        .param("fileName", output.fileName())
        .param("completedAt", Timestamp.from(output.completedAt()))
        .param("attempts", attempts)
        .param("error", error)
        .param("now", Timestamp.from(now))
        .param("nextAttempt", Timestamp.from(nextAttempt))
        .param("giveUpAt", Timestamp.from(giveUpAt))
        .update();
  }

  @Override
  public boolean isDeferred(GeneratedOutput output) {
    return jdbc.sql("SELECT EXISTS (SELECT 1 FROM deferred_outputs WHERE " + OUTPUT + ")")
        .params(identity(output)).query(Boolean.class).single();
  }

  @Override
  public List<Deferred> claimDue(Instant now, int limit) {
    return jdbc.sql("""
            SELECT * FROM deferred_outputs WHERE next_attempt_at <= :now
            ORDER BY next_attempt_at LIMIT :limit
            FOR UPDATE SKIP LOCKED""")
        .param("now", Timestamp.from(now))
        .param("limit", limit)
        .query(JdbcDeferredOutputs::deferred).list();
  }

  @Override
  public void postpone(GeneratedOutput output, String error, Instant nextAttempt) {
    jdbc.sql("UPDATE deferred_outputs SET attempts = attempts + 1, last_error = :error, next_attempt_at = :next WHERE "
            + OUTPUT)
        .params(identity(output))
        .param("error", error)
        .param("next", Timestamp.from(nextAttempt))
        .update();
  }

  @Override
  public void forget(GeneratedOutput output) {
    jdbc.sql("DELETE FROM deferred_outputs WHERE " + OUTPUT).params(identity(output)).update();
  }

  @Override
  public long count() {
    return jdbc.sql("SELECT count(*) FROM deferred_outputs").query(Long.class).single();
  }

  private static java.util.Map<String, Object> identity(GeneratedOutput output) {
    return java.util.Map.of("job", output.jobId(), "generation", output.generation(), "step", output.stepId(),
        "index", output.outputIndex());
  }

  private static Deferred deferred(ResultSet rs, int row) throws SQLException {
    GeneratedOutput output = new GeneratedOutput(rs.getObject("job_id", UUID.class), rs.getString("user_id"),
        rs.getObject("collection_id", UUID.class), rs.getInt("generation"), rs.getInt("step_id"),
        rs.getInt("output_index"), rs.getString("url"), rs.getString("mime_type"), rs.getString("file_name"),
        rs.getTimestamp("completed_at").toInstant());
    return new Deferred(output, rs.getInt("attempts"), rs.getTimestamp("deferred_at").toInstant(),
        rs.getTimestamp("give_up_at").toInstant());
  }
}
