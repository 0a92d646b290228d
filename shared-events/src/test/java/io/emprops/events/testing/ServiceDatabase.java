package io.emprops.events.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.emprops.events.config.EventsSchemaMigration;
import io.emprops.events.outbox.Outbox;
import io.emprops.localstack.infra.Infrastructure;
import io.emprops.localstack.testing.SharedInfrastructure;
import java.time.Clock;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A service schema of its own on the shared embedded Postgres, as the local stack provisions it
 * (role of the same name, owner of the schema, REPLICATION), with the events tables migrated.
 */
public record ServiceDatabase(String schema, String jdbcUrl, String username, String password, HikariDataSource dataSource)
    implements AutoCloseable {

  public static ServiceDatabase provision(String schema) {
    Infrastructure infra = SharedInfrastructure.get();
    String password = infra.provisionSchema(schema);
    String jdbcUrl = infra.postgres().jdbcUrl(schema);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(schema);
    config.setPassword(password);
    config.setMaximumPoolSize(6);
    config.setPoolName("test-" + schema);
    HikariDataSource dataSource = new HikariDataSource(config);
    EventsSchemaMigration.applyTo(dataSource, schema);
    return new ServiceDatabase(schema, jdbcUrl, schema, password, dataSource);
  }

  public TransactionTemplate transactions() {
    return new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  public JdbcClient jdbc() {
    return JdbcClient.create(dataSource);
  }

  public Outbox outbox() {
    return new Outbox(dataSource, schema, List.of(), Clock.systemUTC(), true);
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
