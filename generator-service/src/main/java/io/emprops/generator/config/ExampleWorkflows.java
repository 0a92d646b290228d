package io.emprops.generator.config;

import io.emprops.generator.domain.workflow.WorkflowCatalog;
import io.emprops.generator.domain.workflow.WorkflowDraft;
import io.emprops.generator.persistence.WorkflowRepository;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates the example workflows of {@code examples/workflows.json} when missing (by name), so a
 * new user of the local stack can generate at once. Off unless {@code emprops.generator.seed-examples}.
 */
@Component
@ConditionalOnBooleanProperty("emprops.generator.seed-examples")
class ExampleWorkflows implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(ExampleWorkflows.class);

  private final WorkflowCatalog catalog;
  private final WorkflowRepository workflows;
  private final JsonMapper json;

  ExampleWorkflows(WorkflowCatalog catalog, WorkflowRepository workflows, JsonMapper json) {
    this.catalog = catalog;
    this.workflows = workflows;
    this.json = json;
  }

  @Override
  public void run(ApplicationArguments args) {
    for (WorkflowDraft example : examples()) {
      if (workflows.findByName(example.name()).isEmpty()) {
        try {
          catalog.create(example);
          log.info("Created example workflow {}", example.name());
        } catch (ApiException e) {
          // Another instance starting at the same moment created it first (names are unique).
          if (e.code() != ErrorCode.CONFLICT || workflows.findByName(example.name()).isEmpty()) {
            throw e;
          }
        }
      }
    }
  }

  private List<WorkflowDraft> examples() {
    try (InputStream in = ExampleWorkflows.class.getResourceAsStream("/examples/workflows.json")) {
      return json.readValue(in, new TypeReference<List<WorkflowDraft>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
