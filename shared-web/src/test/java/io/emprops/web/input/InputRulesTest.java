package io.emprops.web.input;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.emprops.web.error.ApiExceptionHandler;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.format.support.DefaultFormattingConversionService;
import org.springframework.http.MediaType;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one rule for client input (issue: "no client input gets a 500"): each case is what a
 * service used to accept, coerce or fail on with a 500, now a 400 naming the field.
 */
class InputRulesTest {

  enum Chain { ETHEREUM, BASE }

  record Thing(String title, Integer editions, long count, Boolean enabled, Double ratio,
      BigDecimal price, Chain chain, Instant publishDate, JsonNode data, Map<String, Object> extra) {}

  @RestController
  static class ThingController {
    @PostMapping("/things")
    String create(@RequestBody Thing thing) {
      return "ok";
    }

    @GetMapping("/search")
    String search(@RequestParam(required = false) String model, @RequestParam(required = false) Instant afterDate) {
      return "ok";
    }
  }

  private final JsonMapper mapper = StrictJson.apply(JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)).build();
  private final MockMvc mvc;

  InputRulesTest() {
    DefaultFormattingConversionService conversions = new DefaultFormattingConversionService();
    TemporalParameters.register(conversions);
    mvc = MockMvcBuilders.standaloneSetup(new ThingController())
        .setMessageConverters(new JacksonJsonHttpMessageConverter(mapper))
        .setControllerAdvice(new ApiExceptionHandler(), new JsonBodyRules(mapper))
        .setConversionService(conversions)
        .addFilters(new RequestLineRules())
        .build();
  }

  @Test
  void aValidBodyPasses() throws Exception {
    post("""
        {"title": "t", "editions": 3, "count": 9007199254740993, "enabled": true, "ratio": 0.5,
         "price": 0.01, "chain": "BASE", "publish_date": "2026-01-31T00:00:00Z",
         "data": {"steps": [{"prompt": "ok \\u00e9 \\ud83c\\udfa8"}]}, "extra": {"k": [1, "v"]}}""")
        .andExpect(status().isOk());
  }

  @Test
  void nulInAStringIsRefusedNamingTheField() throws Exception {
    refused("{\"title\": \"a\\u0000b\"}", "title", StorableText.RULE);
  }

  @Test
  void nulAnywhereInFreeFormJsonIsRefusedWithItsPath() throws Exception {
    refused("{\"data\": {\"steps\": [{\"id\": 1}, {\"prompt\": \"x\\u0000\"}]}}", "data.steps[1].prompt",
        StorableText.RULE);
    refused("{\"extra\": {\"a\\u0000b\": 1}}", "extra.a\u0000b", "property name " + StorableText.RULE);
  }

  @Test
  void anUnpairedSurrogateIsRefused() throws Exception {
    refused("{\"title\": \"x\\ud800y\"}", "title", StorableText.RULE);
    refused("{\"title\": \"\\udc00\"}", "title", StorableText.RULE);
  }

  @Test
  void aNumberBeyondADoubleIsOutOfRangeNotInfinity() throws Exception {
    refused("{\"price\": 1e309}", "price", "is out of range");
    refused("{\"ratio\": -1e400}", "ratio", "is out of range");
  }

  @Test
  void aFractionIsNoInteger() throws Exception {
    refused("{\"editions\": 1.5}", "editions", "must be an integer");
    refused("{\"count\": 2.0}", "count", "must be an integer");
  }

  @Test
  void anIntegerBeyondItsTypeIsOutOfRange() throws Exception {
    refused("{\"editions\": 2147483648}", "editions", "is out of range");
    refused("{\"count\": 9223372036854775808}", "count", "is out of range");
  }

  @Test
  void aStringIsNoNumberOrBoolean() throws Exception {
    refused("{\"editions\": \"5\"}", "editions", "must be an integer");
    refused("{\"ratio\": \"0.5\"}", "ratio", "must be a number");
    refused("{\"enabled\": \"true\"}", "enabled", "must be true or false");
  }

  @Test
  void aNumberOrBooleanIsNoString() throws Exception {
    refused("{\"title\": 123}", "title", "must be a string");
    refused("{\"title\": 1.5}", "title", "must be a string");
    refused("{\"title\": false}", "title", "must be a string");
  }

  @Test
  void nullIsNoPrimitiveAndANumberIsNoEnum() throws Exception {
    refused("{\"count\": null}", "count", "must be an integer");
    refused("{\"chain\": 1}", "chain", "must be one of: ETHEREUM, BASE");
  }

  @Test
  void aDateBeyondYear9999IsRefused() throws Exception {
    refused("{\"publish_date\": \"+999999999-12-31T23:59:59Z\"}", "publish_date", TemporalRange.RULE);
    refused("{\"publish_date\": \"-0001-01-01T00:00:00Z\"}", "publish_date", TemporalRange.RULE);
  }

  @Test
  void somethingAfterTheBodyIsRefused() throws Exception {
    post("{\"title\": \"t\"} {\"title\": \"u\"}")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.code").value("VALIDATION_FAILED"));
  }

  @Test
  void anEncodedNulInTheQueryIsRefusedNamingTheParameter() throws Exception {
    mvc.perform(get(URI.create("/search?model=%00")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.details[0].field").value("model"))
        .andExpect(jsonPath("$.details[0].message").value(StorableText.RULE));
  }

  @Test
  void malformedPercentEncodingIsRefused() throws Exception {
    for (String query : new String[] {"model=%", "model=%zz", "model=%ff", "model=%c3%28"}) {
      // Set raw: java.net.URI itself refuses these, a client's socket does not.
      mvc.perform(get("/search").with(request -> {
            request.setQueryString(query);
            return request;
          }))
          .andExpect(status().isBadRequest())
          .andExpect(jsonPath("$.code").value("VALIDATION_FAILED"))
          .andExpect(jsonPath("$.details[0].message").value("is not valid percent-encoded UTF-8"));
    }
  }

  @Test
  void aDateParameterOutOfRangeIsA400NamingIt() throws Exception {
    mvc.perform(get(URI.create("/search?afterDate=%2B999999999-12-31T23:59:59Z")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.details[0].field").value("afterDate"))
        .andExpect(jsonPath("$.details[0].message").value(TemporalParameters.RULE));
    mvc.perform(get(URI.create("/search?afterDate=2026-01-31"))).andExpect(status().isOk());
    mvc.perform(get(URI.create("/search?afterDate=2026-01-31T10:00:00%2B02:00"))).andExpect(status().isOk());
  }

  private ResultActions post(String body) throws Exception {
    return mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post("/things")
        .contentType(MediaType.APPLICATION_JSON).content(body));
  }

  private void refused(String body, String field, String message) throws Exception {
    post(body)
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.code").value("VALIDATION_FAILED"))
        .andExpect(jsonPath("$.details[0].field").value(field))
        .andExpect(jsonPath("$.details[0].message").value(message));
  }
}
