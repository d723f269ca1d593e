// Starts GraphiQL on this page's own URL, the GraphQL endpoint. Loaded after
// React, ReactDOM, GraphiQL and its explorer plugin, all served beside it.
(function () {
  "use strict";

  var WELCOME = [
    "# accounts-graph: the Accounts API as one graph.",
    "#",
    "# Every query needs a token: paste yours after",
    "# \"Bearer \" in Headers below. `accounts-graph serve`",
    "# prints a demo token per role for its sandbox.",
    "#",
    "# Run: Ctrl-Enter or the run button. Fields: Docs.",
    "",
    "query Viewer {",
    "  viewer {",
    "    role",
    "    account { id name }",
    "  }",
    "}",
    "",
  ].join("\n");

  var endpoint = window.location.origin + window.location.pathname;
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: endpoint }),
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
      defaultQuery: WELCOME,
      defaultHeaders: '{\n  "Authorization": "Bearer "\n}',
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      // Tokens stay out of the browser's storage.
      shouldPersistHeaders: false,
    }),
  );
})();
