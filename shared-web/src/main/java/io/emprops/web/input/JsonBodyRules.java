package io.emprops.web.input;

import io.emprops.web.api.ApiException;
import io.emprops.web.api.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.util.List;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies {@link JsonBodyScan} to every JSON request body before it is bound: a value no service
 * can store as sent is a 400 naming its field, whatever type the endpoint binds the body to.
 */
@ControllerAdvice
public class JsonBodyRules extends RequestBodyAdviceAdapter {

  /** Bodies reach services through the gateway (1 MB); this bounds a direct caller all the same. */
  static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private final JsonMapper mapper;

  public JsonBodyRules(JsonMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public boolean supports(MethodParameter parameter, Type targetType,
      Class<? extends HttpMessageConverter<?>> converterType) {
    return JacksonJsonHttpMessageConverter.class.isAssignableFrom(converterType);
  }

  @Override
  public HttpInputMessage beforeBodyRead(HttpInputMessage input, MethodParameter parameter, Type targetType,
      Class<? extends HttpMessageConverter<?>> converterType) throws IOException {
    byte[] body;
    try (InputStream in = input.getBody()) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (body.length > MAX_BODY_BYTES) {
      throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "Request body is too large");
    }
    JsonBodyScan.firstViolation(mapper, body).ifPresent(violation -> {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "Validation failed", List.of(violation));
    });
    HttpHeaders headers = input.getHeaders();
    return new HttpInputMessage() {
      @Override
      public InputStream getBody() {
        return new ByteArrayInputStream(body);
      }

      @Override
      public HttpHeaders getHeaders() {
        return headers;
      }
    };
  }
}
