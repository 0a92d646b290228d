package io.emprops.generator.domain.workflow;

import io.emprops.generator.domain.fetch.FetchApiProperties;
import io.emprops.generator.domain.model.Model;
import io.emprops.generator.domain.template.TemplateRenderer;
import io.emprops.generator.persistence.ModelRepository;
import io.emprops.generator.persistence.WorkflowRepository;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse.FieldError;
import io.emprops.web.api.ErrorCode;
import io.emprops.web.outbound.OutboundUrl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/** The workflows registry: what each workflow is, what it needs and what it would submit. */
@Service
public class WorkflowCatalog {

  private static final String NAME_PATTERN = "[a-z0-9][a-z0-9._-]{0,99}";

  private final WorkflowRepository workflows;
  private final ModelRepository models;
  private final FetchApiProperties fetch;

  public WorkflowCatalog(WorkflowRepository workflows, ModelRepository models, FetchApiProperties fetch) {
    this.workflows = workflows;
    this.models = models;
    this.fetch = fetch;
  }

  public List<Workflow> list(boolean includeDisabled) {
    return workflows.list(includeDisabled);
  }

  public Workflow get(UUID id) {
    return workflows.find(id).orElseThrow(() -> new ApiException(ErrorCode.WORKFLOW_NOT_FOUND, "Workflow not found"));
  }

  public List<Model> modelsOf(UUID workflowId) {
    return models.findByIds(get(workflowId).models());
  }

  @Transactional
  public Workflow create(WorkflowDraft draft) {
    Workflow workflow = validate(UUID.randomUUID(), draft);
    if (!workflows.insert(workflow)) {
      throw ApiException.conflict("A workflow named " + workflow.name() + " exists");
    }
    return workflows.find(workflow.id()).orElseThrow();
  }

  /** Replaces a workflow; with {@code expectedVersion}, only if nobody changed it meanwhile (else 409). */
  @Transactional
  public Workflow replace(UUID id, WorkflowDraft draft, Long expectedVersion) {
    Workflow current = get(id);
    Workflow replacement = validate(id, draft);
    if (!replacement.name().equals(current.name()) && workflows.findByName(replacement.name()).isPresent()) {
      throw ApiException.conflict("A workflow named " + replacement.name() + " exists");
    }
    long version = expectedVersion == null ? current.version() : expectedVersion;
    if (!workflows.update(replacement, version)) {
      throw ApiException.conflict("The workflow was changed by another request; reload it and try again");
    }
    return workflows.find(id).orElseThrow();
  }

  /**
   * Validates {@code variables} against the workflow's fields and renders its template: exactly
   * the payload a generation would submit. No credits, no job.
   */
  @Transactional(readOnly = true)
  public DryRun dryRun(UUID id, JsonNode variables) {
    return render(get(id), variables);
  }

  /**
   * The payload a step of {@code workflow} submits for these inputs: validated against the
   * workflow's fields, defaults applied, template rendered. The dry run and the engine share it,
   * so the dry run shows exactly what runs.
   */
  public DryRun render(Workflow workflow, JsonNode variables) {
    if (!workflow.enabled()) {
      throw new ApiException(ErrorCode.WORKFLOW_NOT_EXECUTABLE, "Workflow " + workflow.name() + " is disabled");
    }
    List<String> problems = new ArrayList<>();
    WorkflowDefinition definition = WorkflowDefinition.read(workflow.type(), workflow.data(), problems);
    if (!problems.isEmpty()) {
      throw new ApiException(ErrorCode.WORKFLOW_NOT_EXECUTABLE, "Workflow definition is invalid: " + problems);
    }
    JsonNode given = variables == null || variables.isNull() ? null : variables;
    if (given != null && !given.isObject()) {
      throw ApiException.invalid("variables", "must be an object");
    }
    Map<String, JsonNode> values = new HashMap<>();
    List<FieldError> errors = new ArrayList<>();
    Set<String> declared = new HashSet<>();
    for (FormField field : definition.fields()) {
      declared.add(field.name());
      List<String> fieldErrors = new ArrayList<>();
      field.resolve(given == null ? null : given.get(field.name()), fieldErrors)
          .ifPresent(value -> values.put(field.name(), value));
      fieldErrors.forEach(message -> errors.add(new FieldError("variables." + field.name(), message)));
    }
    if (given != null) {
      given.propertyNames().forEach(name -> {
        if (!declared.contains(name)) {
          errors.add(new FieldError("variables." + name, "is not an input of this workflow"));
        }
      });
    }
    if (!errors.isEmpty()) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "Validation failed", errors);
    }
    TemplateRenderer.Rendered rendered = TemplateRenderer.render(definition.template(), values);
    if (!rendered.missing().isEmpty()) {
      throw new ApiException(ErrorCode.WORKFLOW_NOT_EXECUTABLE,
          "The template uses inputs without a value or default: " + String.join(", ", rendered.missing()));
    }
    for (Model model : models.findByIds(workflow.models())) {
      if (!model.enabled() || (model.gated() && !model.hasCredential())) {
        throw new ApiException(ErrorCode.MODEL_UNAVAILABLE, "Model " + model.name() + " is not available");
      }
    }
    return new DryRun(workflow.id(), workflow.type().wireName(), workflow.serviceRequired(), rendered.document(),
        workflow.creditsCost(), workflow.models());
  }

  private Workflow validate(UUID id, WorkflowDraft draft) {
    List<FieldError> errors = new ArrayList<>();
    if (draft.name() == null || !draft.name().matches(NAME_PATTERN)) {
      errors.add(new FieldError("name", "must be 1-100 lower-case letters, digits, '.', '_' or '-'"));
    }
    WorkflowType type = draft.type() == null ? null : WorkflowType.fromWire(draft.type()).orElse(null);
    if (type == null) {
      errors.add(new FieldError("type", "must be one of: comfy_workflow, fetch_api, direct_job"));
    }
    if (draft.data() == null || !draft.data().isObject()) {
      errors.add(new FieldError("data", "must be an object with a template"));
    } else if (type != null) {
      List<String> problems = new ArrayList<>();
      WorkflowDefinition definition = WorkflowDefinition.read(type, draft.data(), problems);
      problems.forEach(p -> errors.add(new FieldError(p.substring(0, p.indexOf(':')), p.substring(p.indexOf(':') + 2))));
      if (type == WorkflowType.FETCH_API && definition.template() != null && definition.template().path("url").isString()) {
        // What can be known without DNS is refused now; DNS and the allow-list are checked on every call.
        OutboundUrl.problem(definition.template().path("url").stringValue(), fetch.allowPrivateAddresses())
            .ifPresent(problem -> errors.add(new FieldError("data.template.url", problem)));
      }
      Set<String> fieldNames = new HashSet<>(definition.fields().stream().map(FormField::name).toList());
      if (definition.template() != null) {
        for (String placeholder : TemplateRenderer.placeholders(definition.template())) {
          if (!fieldNames.contains(placeholder)) {
            errors.add(new FieldError("data.template", "uses {{" + placeholder + "}}, which is not a declared field"));
          }
        }
      }
    }
    if (type != null && type.runsOnQueue()
        && (draft.serviceRequired() == null || !draft.serviceRequired().matches("[a-z0-9_\\-]{1,64}"))) {
      errors.add(new FieldError("service_required", "is required for queue workflows (the worker service, e.g. comfyui)"));
    }
    long cost = draft.creditsCost() == null ? 0 : draft.creditsCost();
    if (cost < 0 || cost > 1_000_000) {
      errors.add(new FieldError("credits_cost", "must be between 0 and 1000000"));
    }
    List<UUID> modelIds = draft.models() == null ? List.of() : draft.models().stream().filter(Objects::nonNull).distinct().toList();
    if (models.findByIds(modelIds).size() != modelIds.size()) {
      errors.add(new FieldError("models", "names a model that does not exist"));
    }
    if (draft.description() != null && draft.description().length() > 2000) {
      errors.add(new FieldError("description", "must be at most 2000 characters"));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "Validation failed", errors);
    }
    return new Workflow(id, draft.name(), Objects.requireNonNullElse(draft.description(), ""), type, draft.data(),
        type.runsOnQueue() ? draft.serviceRequired() : null, cost, modelIds,
        draft.enabled() == null || draft.enabled(), 0, null, null);
  }
}
