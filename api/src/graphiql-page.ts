// The GraphiQL page the API serves on GET /graphql to browsers.
//
// Two library limits are worked around here, in one place:
// - graphql-yoga's default page loads GraphiQL from a CDN; @graphql-yoga/render-graphiql inlines it,
//   so GraphiQL works on machines with no internet access.
// - neither Yoga's page nor GraphiQL 5 reads request headers from the URL. The web app's "Open
//   GraphiQL" passes them in the URL *fragment* (`#headers=<JSON>`), which browsers never send to a
//   server; a small prelude reads it, removes it from the address bar, and hands it to GraphiQL as
//   `initialHeaders`. Nothing reaches the server until the person runs a query with that header.
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphiQLOptions } from 'graphql-yoga';

const RENDER_CALL = 'YogaGraphiQL.renderYogaGraphiQL(';

const PRELUDE = `<script>
  // Taskgate: headers passed by the web app in the URL fragment (never sent to a server).
  window.taskgateRenderGraphiQL = function (root, options) {
    var match = /(?:^#|&)headers=([^&]*)/.exec(window.location.hash);
    if (match) {
      try {
        var headers = decodeURIComponent(match[1]);
        JSON.parse(headers);
        options = Object.assign({}, options, { initialHeaders: headers });
      } catch (ignored) {}
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
    }
    return YogaGraphiQL.renderYogaGraphiQL(root, options);
  };
</script>`;

export function renderGraphiQLPage(options?: GraphiQLOptions): string {
  const html = renderGraphiQL(options);
  // The inlined GraphiQL bundle may mention the render function too: the page's own call is the last.
  const call = html.lastIndexOf(RENDER_CALL);
  const body = html.indexOf('<body');
  if (call === -1 || body === -1) throw new Error('Unexpected GraphiQL page layout from @graphql-yoga/render-graphiql');
  const withCall = `${html.slice(0, call)}window.taskgateRenderGraphiQL(${html.slice(call + RENDER_CALL.length)}`;
  const bodyStart = withCall.indexOf('>', body) + 1;
  return `${withCall.slice(0, bodyStart)}${PRELUDE}${withCall.slice(bodyStart)}`;
}
