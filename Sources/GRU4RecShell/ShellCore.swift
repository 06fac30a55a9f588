public enum ShellCore {}
