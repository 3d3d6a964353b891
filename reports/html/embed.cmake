# Builds the HTML report's assets (reports/html/*) into a C++ source file, so the
# faultline binary carries its page template, stylesheet and script and needs no
# files at run time.
#   cmake -DSRC=<reports/html> -DOUT=<generated .cpp> -P embed.cmake
# Each file becomes raw string literals of at most 8,000 characters (ISO C++ only
# promises 65,536 per literal, and -Wpedantic warns past that), joined at run time.
set(assets page.html report.css report.js)
set(chunk 8000)
set(text "// Generated from reports/html/ by reports/html/embed.cmake; do not edit.\n")
string(APPEND text "#include \"reports/html_assets.hpp\"\n\nnamespace fl::reports {\n\n")
string(APPEND text "std::string html_asset(std::string_view name) {\n")
foreach(asset IN LISTS assets)
  file(READ "${SRC}/${asset}" content)
  string(FIND "${content}" ")fl_asset\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${asset} contains the raw string delimiter )fl_asset\"")
  endif()
  string(LENGTH "${content}" length)
  string(APPEND text "  if (name == \"${asset}\") {\n    std::string out;\n")
  set(offset 0)
  while(offset LESS length)
    string(SUBSTRING "${content}" ${offset} ${chunk} piece)
    string(APPEND text "    out += R\"fl_asset(${piece})fl_asset\";\n")
    math(EXPR offset "${offset} + ${chunk}")
  endwhile()
  string(APPEND text "    return out;\n  }\n")
endforeach()
string(APPEND text "  return {};\n}\n\n}  // namespace fl::reports\n")
file(WRITE "${OUT}.tmp" "${text}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
