package io.emprops.generator.api;

import io.emprops.generator.domain.model.Model;
import io.emprops.generator.domain.model.ModelCatalog;
import io.emprops.generator.domain.model.ModelDraft;
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
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.ResponseStatus;

/** {@code /models} (API.md). Credentials are accepted on write and never returned. */
@RestController
@RequestMapping("/models")
public class ModelsController {

  private final ModelCatalog catalog;

  public ModelsController(ModelCatalog catalog) {
    this.catalog = catalog;
  }

  @GetMapping
  public ApiResponse<List<Model>> list(CallerIdentity caller) {
    caller.requireUserId();
    return ApiResponse.ok(catalog.list());
  }

  @PostMapping("/batch")
  public ApiResponse<ModelCatalog.Batch> batch(CallerIdentity caller, @RequestBody BatchRequest request) {
    caller.requireUserId();
    return ApiResponse.ok(catalog.batch(request.names()));
  }

  @GetMapping("/validate-auth")
  public ApiResponse<ModelCatalog.AuthCheck> validateAuth(CallerIdentity caller, @RequestParam(required = false) String model) {
    caller.requireUserId();
    return ApiResponse.ok(catalog.validateAuth(model));
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  public ResponseEntity<ApiResponse<Model>> create(CallerIdentity caller, @RequestBody ModelDraft draft) {
    caller.requireRole(CallerIdentity.ADMIN_ROLE);
    return ResponseEntity.status(HttpStatus.CREATED).body(ApiResponse.ok(catalog.create(draft)));
  }

  @PutMapping("/{id}")
  public ApiResponse<Model> replace(CallerIdentity caller, @PathVariable UUID id, @RequestBody ModelDraft draft,
      @RequestHeader(name = "If-Match", required = false) String ifMatch) {
    caller.requireRole(CallerIdentity.ADMIN_ROLE);
    return ApiResponse.ok(catalog.replace(id, draft, IfMatch.version(ifMatch)));
  }

  public record BatchRequest(List<String> names) {}
}
