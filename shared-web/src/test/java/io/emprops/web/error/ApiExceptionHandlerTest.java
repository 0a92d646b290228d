package io.emprops.web.error;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.emprops.web.api.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.junit.jupiter.api.Test;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Client mistakes keep their status and name the field; nothing internal leaks. */
class ApiExceptionHandlerTest {

  enum Chain { ETHEREUM, BASE }

  record CreateThing(@NotBlank String title, @Min(1) int maxTokens, Chain chain) {}

  @RestController
  static class ThingController {
    @PostMapping("/things")
    String create(@Valid @RequestBody CreateThing request) {
      return "ok";
    }

    @GetMapping("/things/{id}")
    String find(@PathVariable java.util.UUID id) {
      throw ApiException.notFound("Thing");
    }

    @GetMapping("/boom")
    String boom() {
      throw new IllegalStateException("secret internals: password=hunter2");
    }

    @GetMapping("/stale")
    String stale() {
      throw new OptimisticLockingFailureException("row version 3 != 4");
    }
  }

  private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new ThingController())
      .setControllerAdvice(new ApiExceptionHandler())
      .build();

  @Test
  void beanValidationFailuresNameEachFieldInSnakeCase() throws Exception {
    mvc.perform(post("/things").contentType(MediaType.APPLICATION_JSON).content("{\"title\":\" \",\"maxTokens\":0}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.data").value((Object) null))
        .andExpect(jsonPath("$.code").value("VALIDATION_FAILED"))
        .andExpect(jsonPath("$.details[?(@.field == 'title')]").exists())
        .andExpect(jsonPath("$.details[?(@.field == 'max_tokens')]").exists());
  }

  @Test
  void malformedJsonIsA400WithoutParserInternals() throws Exception {
    mvc.perform(post("/things").contentType(MediaType.APPLICATION_JSON).content("{\"title\": "))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.code").value("VALIDATION_FAILED"))
        .andExpect(jsonPath("$.error").value("Malformed JSON request body"));
  }

  @Test
  void anUnknownEnumValueIsA400NamingTheField() throws Exception {
    mvc.perform(post("/things").contentType(MediaType.APPLICATION_JSON)
            .content("{\"title\":\"t\",\"maxTokens\":1,\"chain\":\"DOGECOIN\"}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.details[0].field").value("chain"))
        .andExpect(jsonPath("$.details[0].message").value("must be one of: ETHEREUM, BASE"));
  }

  @Test
  void aMissingBodyIsA400() throws Exception {
    mvc.perform(post("/things").contentType(MediaType.APPLICATION_JSON))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.error").value("Request body is required"));
  }

  @Test
  void aMalformedPathVariableIsA400NamingIt() throws Exception {
    mvc.perform(get("/things/not-a-uuid"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.details[0].field").value("id"));
  }

  @Test
  void apiExceptionsKeepTheirCode() throws Exception {
    mvc.perform(get("/things/" + java.util.UUID.randomUUID()))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.code").value("NOT_FOUND"))
        .andExpect(jsonPath("$.error").value("Thing not found"));
  }

  @Test
  void anUnsupportedMethodIsA405InTheEnvelope() throws Exception {
    mvc.perform(delete("/things"))
        .andExpect(status().isMethodNotAllowed())
        .andExpect(jsonPath("$.code").value("METHOD_NOT_ALLOWED"));
  }

  @Test
  void anUnsupportedContentTypeIsA415() throws Exception {
    mvc.perform(post("/things").contentType(MediaType.TEXT_PLAIN).content("x"))
        .andExpect(status().isUnsupportedMediaType())
        .andExpect(jsonPath("$.code").value("UNSUPPORTED_MEDIA_TYPE"));
  }

  @Test
  void aConcurrentUpdateIsA409() throws Exception {
    mvc.perform(get("/stale"))
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.code").value("CONFLICT"));
  }

  @Test
  void anUnexpectedFailureIsA500WithNothingInternal() throws Exception {
    mvc.perform(get("/boom"))
        .andExpect(status().isInternalServerError())
        .andExpect(jsonPath("$.code").value("INTERNAL"))
        .andExpect(jsonPath("$.error").value("Internal server error"))
        .andExpect(jsonPath("$.details").doesNotExist());
  }
}
