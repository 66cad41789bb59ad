document.title = "test";
