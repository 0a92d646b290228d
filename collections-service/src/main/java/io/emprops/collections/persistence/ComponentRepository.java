package io.emprops.collections.persistence;

import io.emprops.collections.domain.instructions.ComponentIds.StepComponent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The components table: one row per workflow step, keyed by the step's id. */
@Repository
public class ComponentRepository {

  private final JdbcClient jdbc;

  public ComponentRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** {@code count} fresh component ids, unique across all collections. */
  public List<Long> allocateIds(int count) {
    if (count == 0) {
      return List.of();
    }
    return jdbc.sql("SELECT nextval('component_ids') FROM generate_series(1, :count)")
        .param("count", count).query(Long.class).list();
  }

  public Set<Long> idsOf(UUID collectionId) {
    return new HashSet<>(jdbc.sql("SELECT id FROM components WHERE collection_id = :collection")
        .param("collection", collectionId).query(Long.class).list());
  }

  /** Makes the collection's components exactly {@code components} (steps kept keep their id). */
  public void replaceAll(UUID collectionId, List<StepComponent> components) {
    jdbc.sql("DELETE FROM components WHERE collection_id = :collection").param("collection", collectionId).update();
    for (StepComponent component : components) {
      jdbc.sql("""
              INSERT INTO components (id, collection_id, from_id, step_index, node_name, alias)
              VALUES (:id, :collection, :fromId, :stepIndex, :nodeName, :alias)""")
          .param("id", component.id()).param("collection", collectionId)
          .param("fromId", component.fromId()).param("stepIndex", component.stepIndex())
          .param("nodeName", component.nodeName()).param("alias", component.alias())
          .update();
    }
  }
}
