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

  // GraphiQL's history keeps each run's headers, the token among them, even
  // with shouldPersistHeaders off: every value it stores passes through here
  // and leaves without any `headers` field.
  function withoutHeaders(node) {
    if (Array.isArray(node)) {
      node.forEach(withoutHeaders);
    } else if (node && typeof node === "object") {
      delete node.headers;
      Object.keys(node).forEach(function (key) {
        withoutHeaders(node[key]);
      });
    }
    return node;
  }

  var NAMESPACE = "graphiql:";
  var storage = {
    getItem: function (key) {
      return window.localStorage.getItem(key);
    },
    setItem: function (key, value) {
      var kept = value;
      try {
        kept = JSON.stringify(withoutHeaders(JSON.parse(value)));
      } catch (notJson) {
        kept = value;
      }
      window.localStorage.setItem(key, kept);
    },
    removeItem: function (key) {
      window.localStorage.removeItem(key);
    },
    clear: function () {
      Object.keys(window.localStorage).forEach(function (key) {
        if (key.indexOf(NAMESPACE) === 0) window.localStorage.removeItem(key);
      });
    },
    get length() {
      return Object.keys(window.localStorage).filter(function (key) {
        return key.indexOf(NAMESPACE) === 0;
      }).length;
    },
  };

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
      storage: storage,
    }),
  );
})();
