package io.emprops.gateway.errors;

import io.emprops.web.api.ErrorBodies;
import io.emprops.web.api.ErrorCode;
import io.emprops.web.api.SecurityHeaders;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Requests that never become a request Spring can see: a request line or head Netty cannot
 * decode (too long, control characters, malformed) or a target {@link URI} cannot parse (a lone
 * {@code %}). Reactor Netty and Spring's adapter answer these with an empty 400/414/431; this
 * handler, placed right after the HTTP codec, answers them in the envelope with the security
 * headers and closes the connection (the decoder discards the rest of its input anyway).
 */
@ChannelHandler.Sharable
public final class MalformedRequestHandler extends ChannelInboundHandlerAdapter {

  public static final String NAME = "emprops.malformedRequests";

  static final Duration LINGER = Duration.ofSeconds(2);

  /** Set once a connection's request was refused: what follows on it is dropped until it closes. */
  private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf(MalformedRequestHandler.class, "refused");

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (ctx.channel().hasAttr(REFUSED)) {
      ReferenceCountUtil.release(msg); // the rest of a refused request
      return;
    }
    if (msg instanceof HttpRequest request) {
      HttpResponseStatus status = refusal(request);
      if (status != null) {
        ReferenceCountUtil.release(msg);
        ctx.channel().attr(REFUSED).set(Boolean.TRUE);
        answerAndClose(ctx, envelope(status));
        return;
      }
    } else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
      ReferenceCountUtil.release(msg);
      ctx.channel().attr(REFUSED).set(Boolean.TRUE);
      answerAndClose(ctx, envelope(HttpResponseStatus.BAD_REQUEST));
      return;
    }
    ctx.fireChannelRead(msg);
  }

  /**
   * Sends the answer, then closes gently: output first, the connection after a grace period.
   * Closing at once while the client is still sending (a 100 KB header) would reset the
   * connection, and a reset destroys the answer in the client's buffer before it reads it.
   */
  private static void answerAndClose(ChannelHandlerContext ctx, FullHttpResponse response) {
    ctx.writeAndFlush(response).addListener(written -> {
      if (ctx.channel() instanceof DuplexChannel duplex && duplex.isActive()) {
        duplex.shutdownOutput();
        ctx.executor().schedule(() -> ctx.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
      } else {
        ctx.close();
      }
    });
  }

  /** The status to refuse {@code request} with, or null when it may go on. */
  static HttpResponseStatus refusal(HttpRequest request) {
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      Throwable cause = result.cause();
      if (cause instanceof TooLongHttpLineException) {
        return HttpResponseStatus.REQUEST_URI_TOO_LONG;
      }
      if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
        return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
      }
      return HttpResponseStatus.BAD_REQUEST;
    }
    try {
      // What Spring's ReactorServerHttpRequest does with the target; it answers an empty 400 on failure.
      new URI("http://localhost" + (request.uri().startsWith("/") ? "" : "/") + request.uri());
      return null;
    } catch (URISyntaxException e) {
      return HttpResponseStatus.BAD_REQUEST;
    }
  }

  static FullHttpResponse envelope(HttpResponseStatus status) {
    ErrorCode code = switch (status.code()) {
      case 414, 431 -> ErrorCode.VALIDATION_FAILED;
      default -> ErrorCode.forStatus(status.code());
    };
    String message = switch (status.code()) {
      case 414 -> "Request target is too long";
      case 431 -> "Request headers are too large";
      default -> "Malformed request";
    };
    byte[] body = ErrorBodies.json(code, message).getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    SecurityHeaders.addMissing(response.headers()::contains, response.headers()::set);
    return response;
  }
}
