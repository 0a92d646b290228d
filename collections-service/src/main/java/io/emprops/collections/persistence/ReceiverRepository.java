package io.emprops.collections.persistence;

import io.emprops.collections.domain.Receiver;
import io.emprops.collections.domain.ReceiverType;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class ReceiverRepository {

  private final JdbcClient jdbc;

  public ReceiverRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** In the order the owner gave them. */
  public List<Receiver> of(UUID collectionId) {
    return jdbc.sql("SELECT * FROM receivers WHERE collection_id = :collection ORDER BY position")
        .param("collection", collectionId)
        .query((rs, n) -> new Receiver(rs.getString("address"), JsonColumns.decimal(rs, "value").setScale(2),
            ReceiverType.fromWire(rs.getString("type")).orElseThrow()))
        .list();
  }

  public void replaceAll(UUID collectionId, List<Receiver> receivers) {
    jdbc.sql("DELETE FROM receivers WHERE collection_id = :collection").param("collection", collectionId).update();
    for (int position = 0; position < receivers.size(); position++) {
      Receiver receiver = receivers.get(position);
      jdbc.sql("""
              INSERT INTO receivers (id, collection_id, position, address, value, type)
              VALUES (:id, :collection, :position, :address, :value, :type)""")
          .param("id", UUID.randomUUID()).param("collection", collectionId).param("position", position)
          .param("address", receiver.address()).param("value", receiver.value())
          .param("type", receiver.type().wireName())
          .update();
    }
  }
}
