package io.emprops.web.error;

import io.emprops.web.api.ApiResponse;
import io.emprops.web.api.ErrorCode;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Boot's whitelabel/JSON error page for failures that happen outside Spring MVC
 * (servlet filters, the container), so even those answer in the envelope without internals.
 */
@RestController
public class EnvelopeErrorController implements ErrorController {

  @RequestMapping("${server.error.path:/error}")
  public ResponseEntity<ApiResponse<Void>> error(HttpServletRequest request) {
    Object attribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = attribute instanceof Integer code ? code : 500;
    ErrorCode code = ErrorCode.forStatus(status);
    HttpStatus httpStatus = HttpStatus.resolve(status);
    String message = status >= 500 || httpStatus == null
        ? "Internal server error" : httpStatus.getReasonPhrase();
    return ResponseEntity.status(status).body(ApiResponse.failure(code, message));
  }
}
