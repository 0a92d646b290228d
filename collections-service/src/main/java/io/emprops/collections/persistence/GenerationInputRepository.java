package io.emprops.collections.persistence;

import io.emprops.collections.domain.GenerationInput;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.node.ObjectNode;

/** The read model of generation inputs, fed by the generator's GenerationStepCompleted events. */
@Repository
public class GenerationInputRepository {

  private final JdbcClient jdbc;
  private final JsonColumns json;

  public GenerationInputRepository(JdbcClient jdbc, JsonColumns json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /**
   * A generation's input never changes, and every image step of the generation announces it: the
   * first record wins and the others (and redeliveries) change nothing.
   *
   * @return false when the generation was recorded already, or its collection is unknown here
   */
  public boolean record(GenerationInput input) {
    return jdbc.sql("""
            INSERT INTO generation_inputs (job_id, generation, collection_id, user_id, hash, variables)
            SELECT :job, :generation, :collection, :user, :hash, :variables::jsonb
            WHERE EXISTS (SELECT 1 FROM collections WHERE id = :collection)
            ON CONFLICT (job_id, generation) DO NOTHING""")
        .param("job", input.jobId()).param("generation", input.generation())
        .param("collection", input.collectionId()).param("user", input.userId()).param("hash", input.hash())
        .param("variables", json.write(input.variables()))
        .update() == 1;
  }

  public Optional<GenerationInput> find(UUID jobId, int generation) {
    return jdbc.sql("SELECT * FROM generation_inputs WHERE job_id = :job AND generation = :generation")
        .param("job", jobId).param("generation", generation)
        .query((rs, n) -> new GenerationInput(rs.getObject("job_id", UUID.class), rs.getInt("generation"),
            rs.getObject("collection_id", UUID.class), rs.getString("user_id"), rs.getString("hash"),
            (ObjectNode) json.read(rs.getString("variables"))))
        .optional();
  }
}
