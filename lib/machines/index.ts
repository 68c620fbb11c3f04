export * from "./errors";
export * from "./model";
export * from "./repository";
export { validateName, validateTags, MAX_NAME_LENGTH, MAX_TAGS } from "./validate";
