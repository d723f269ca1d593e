// Compose subgraphs into a supergraph with Apollo's composition library.
// Usage: node federation/compose.mjs NAME=URL=SDL_FILE ... > supergraph.graphql
// Exits 1 with one line per composition error when the subgraphs do not compose.
import { readFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

const services = process.argv.slice(2).map((argument) => {
  const [name, url, file] = argument.split("=");
  return { name, url, typeDefs: parse(readFileSync(file, "utf8")) };
});
const result = composeServices(services);
if (result.errors) {
  for (const error of result.errors) {
    console.error(error.message);
  }
  process.exit(1);
}
process.stdout.write(result.supergraphSdl);
