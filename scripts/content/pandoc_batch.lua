-- Convert many documents in one pandoc process (pandoc lua scripts/content/pandoc_batch.lua).
-- Starting pandoc costs more than converting a chapter, so the pipeline sends
-- every chapter of a stage through one process instead of one process each.
-- Input (stdin, JSON): {reader, writer, template (text or null), documents: [{text, id_prefix}]}
-- Output (stdout, JSON): the converted texts, in order.
local request = pandoc.json.decode(io.read("a"))
local template = request.template ~= pandoc.json.null and request.template
  and pandoc.template.compile(request.template) or nil
local results = {}
-- plain_code: code blocks as plain text, without the highlighter's markup (a reader of the
-- blocks wants the code's text, and highlighting is most of the HTML writer's time).
-- pandoc 3.8 and later take it as an option; an older pandoc highlights, which costs time only.
local plain_code = request.plain_code and PANDOC_VERSION >= {3, 8}
-- unwrap_positions: the `sourcepos` extension wraps every inline in a positioned span
-- (`wrapper` attribute), which cuts raw inline HTML apart (`<a href="#fn1">` and its `</a>`
-- in different spans); the spans are dropped and the blocks keep their positions.
local unwrap = request.unwrap_positions and {
  Span = function(span) if span.attributes.wrapper then return span.content end end
}
for i, item in ipairs(request.documents) do
  local doc = pandoc.read(item.text, request.reader)
  if unwrap then doc = doc:walk(unwrap) end
  local options = {wrap_text = "wrap-none", section_divs = request.section_divs or false}
  if plain_code then options.highlight_method = "none" end
  if template then options.template = template end
  if item.id_prefix and item.id_prefix ~= "" then options.identifier_prefix = item.id_prefix end
  results[i] = pandoc.write(doc, request.writer, options)
end
io.write(pandoc.json.encode(results))
