// The HTML report's page template, stylesheet and script, kept as ordinary files in
// reports/html/ and built into the binary (reports/html/embed.cmake), so that a
// report needs nothing at run time and the page needs nothing from the network.
#pragma once

#include <string>
#include <string_view>

namespace fl::reports {

// "page.html", "report.css" or "report.js"; empty for any other name.
std::string html_asset(std::string_view name);

}  // namespace fl::reports
