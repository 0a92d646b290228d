package io.emprops.generator.api;

import io.emprops.generator.domain.model.Model;
import io.emprops.generator.domain.workflow.DryRun;
import io.emprops.generator.domain.workflow.Workflow;
import io.emprops.generator.domain.workflow.WorkflowCatalog;
import io.emprops.generator.domain.workflow.WorkflowDraft;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.api.IfMatch;
import io.emprops.web.identity.CallerIdentity;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import org.springframework.web.bind.annotation.ResponseStatus;

/** {@code /workflows} (API.md, "Workflows and models"). Reads for any signed-in user; writes for admins. */
@RestController
@RequestMapping("/workflows")
public class WorkflowsController {

  private final WorkflowCatalog catalog;

  public WorkflowsController(WorkflowCatalog catalog) {
    this.catalog = catalog;
  }

  /** Enabled workflows; admins may ask for disabled ones too. */
  @GetMapping
  public ApiResponse<List<WorkflowView>> list(CallerIdentity caller,
      @RequestParam(name = "include_disabled", defaultValue = "false") boolean includeDisabled) {
    caller.requireUserId();
    boolean all = includeDisabled && caller.hasRole(CallerIdentity.ADMIN_ROLE);
    return ApiResponse.ok(catalog.list(all).stream().map(WorkflowView::of).toList());
  }

  @GetMapping("/{id}")
  public ApiResponse<WorkflowView> get(CallerIdentity caller, @PathVariable UUID id) {
    caller.requireUserId();
    return ApiResponse.ok(WorkflowView.of(catalog.get(id)));
  }

  @GetMapping("/{id}/models")
  public ApiResponse<List<Model>> models(CallerIdentity caller, @PathVariable UUID id) {
    caller.requireUserId();
    return ApiResponse.ok(catalog.modelsOf(id));
  }

  /** Dry run: validates {@code variables} and renders the payload that would be submitted. */
  @PostMapping("/{id}/test")
  public ApiResponse<DryRun> test(CallerIdentity caller, @PathVariable UUID id, @RequestBody(required = false) TestRequest request) {
    caller.requireUserId();
    return ApiResponse.ok(catalog.dryRun(id, request == null ? null : request.variables()));
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  public ResponseEntity<ApiResponse<WorkflowView>> create(CallerIdentity caller, @RequestBody WorkflowDraft draft) {
    caller.requireRole(CallerIdentity.ADMIN_ROLE);
    return ResponseEntity.status(HttpStatus.CREATED).body(ApiResponse.ok(WorkflowView.of(catalog.create(draft))));
  }

  /** Replaces the workflow; {@code If-Match: "<version>"} makes a concurrent edit a 409 instead of lost. */
  @PutMapping("/{id}")
  public ApiResponse<WorkflowView> replace(CallerIdentity caller, @PathVariable UUID id, @RequestBody WorkflowDraft draft,
      @org.springframework.web.bind.annotation.RequestHeader(name = "If-Match", required = false) String ifMatch) {
    caller.requireRole(CallerIdentity.ADMIN_ROLE);
    return ApiResponse.ok(WorkflowView.of(catalog.replace(id, draft, IfMatch.version(ifMatch))));
  }

  public record TestRequest(JsonNode variables) {}

  public record WorkflowView(UUID id, String name, String description, String type, JsonNode data,
      String serviceRequired, long creditsCost, List<UUID> models, boolean enabled, long version,
      java.time.Instant createdAt, java.time.Instant updatedAt) {
    static WorkflowView of(Workflow w) {
      return new WorkflowView(w.id(), w.name(), w.description(), w.type().wireName(), w.data(), w.serviceRequired(),
          w.creditsCost(), w.models(), w.enabled(), w.version(), w.createdAt(), w.updatedAt());
    }
  }
}
