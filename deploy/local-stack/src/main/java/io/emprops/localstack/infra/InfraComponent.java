package io.emprops.localstack.infra;

/** One piece of embedded infrastructure. Starting is blocking: it returns once it serves. */
public interface InfraComponent extends AutoCloseable {

  String name();

  /** Where it listens, for the launcher's table (host:port or URL). */
  String endpoint();

  @Override
  void close();
}
